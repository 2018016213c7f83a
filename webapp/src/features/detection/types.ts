// The wire contract, shared with yolo-api (types only: erased from the browser build).
import type { Detection } from '@mlip/catalogue';

export type { Box, Detection, DetectResponse as DetectionResponse, ImageSize } from '@mlip/catalogue';

/** A detection with its position in the service's answer, kept through client-side filtering. */
export interface IndexedDetection extends Detection {
  index: number;
}
