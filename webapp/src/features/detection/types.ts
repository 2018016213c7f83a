export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Detection {
  classId: number;
  label: string;
  confidence: number;
  box: Box;
}

/** Image size after EXIF orientation, as the service saw it. */
export interface ImageSize {
  width: number;
  height: number;
}

export interface DetectionResponse {
  requestId: string;
  model: { name: string; inputSize: [number, number]; layout: string };
  image: ImageSize;
  detections: Detection[];
  timings: Record<string, number>;
}

/** A detection with its position in the service's answer, kept through client-side filtering. */
export interface IndexedDetection extends Detection {
  index: number;
}
