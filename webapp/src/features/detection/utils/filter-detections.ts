import type { Detection, IndexedDetection } from '../types.ts';

export interface DetectionFilter {
  minConfidence: number;
  /** Labels the person switched off. */
  hiddenLabels: ReadonlySet<string>;
}

export function filterDetections(detections: Detection[], filter: DetectionFilter): IndexedDetection[] {
  return detections
    .map((detection, index) => ({ ...detection, index }))
    .filter((d) => d.confidence >= filter.minConfidence && !filter.hiddenLabels.has(d.label));
}

/** Labels present in the answer with how many boxes each has, most frequent first. */
export function countLabels(detections: Detection[]): Array<{ label: string; count: number }> {
  const counts = new Map<string, number>();
  for (const d of detections) counts.set(d.label, (counts.get(d.label) ?? 0) + 1);
  return [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count);
}

export function formatConfidence(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

/** A stable colour per class, far enough apart for neighbouring ids. */
export function colorForClass(classId: number): string {
  return `hsl(${(classId * 137.508) % 360} 85% 50%)`;
}
