import type { IndexedDetection } from '../types.ts';
import { colorForClass, formatConfidence } from '../utils/filter-detections.ts';

export interface DetectionListProps {
  detections: IndexedDetection[];
  highlighted: number | null;
  onHighlight: (index: number | null) => void;
}

export function DetectionList({ detections, highlighted, onHighlight }: DetectionListProps) {
  if (detections.length === 0) return <p className="muted">No objects at this confidence.</p>;
  return (
    <ul className="item-list" aria-label="Detected objects">
      {detections.map((d) => (
        <li key={d.index}>
          <button
            type="button"
            data-testid="detection-entry"
            className={highlighted === d.index ? 'item is-highlighted' : 'item'}
            aria-pressed={highlighted === d.index}
            onMouseEnter={() => onHighlight(d.index)}
            onMouseLeave={() => onHighlight(null)}
            onFocus={() => onHighlight(d.index)}
            onBlur={() => onHighlight(null)}
          >
            <span
              className="swatch"
              style={{ backgroundColor: colorForClass(d.classId) }}
              aria-hidden="true"
            />
            <span className="item-label">{d.label}</span>
            <span className="item-value">{formatConfidence(d.confidence)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
