import type { ImageSize, IndexedDetection } from '../types.ts';
import { colorForClass, formatConfidence } from '../utils/filter-detections.ts';

export interface DetectionOverlayProps {
  image: ImageSize;
  detections: IndexedDetection[];
  highlighted: number | null;
  onHighlight: (index: number | null) => void;
}

const percent = (value: number, total: number) => `${((value / total) * 100).toFixed(3)}%`;

/**
 * Boxes positioned in percent of the image size, laid over the photo: they scale with it at any
 * screen width. Each box is focusable; hover or focus highlights it and its list entry.
 */
export function DetectionOverlay({ image, detections, highlighted, onHighlight }: DetectionOverlayProps) {
  return (
    <div className="detection-overlay">
      {detections.map((d) => {
        const isHighlighted = highlighted === d.index;
        return (
          <button
            type="button"
            key={d.index}
            data-testid="detection-box"
            data-label={d.label}
            aria-label={`${d.label}, ${formatConfidence(d.confidence)} confidence`}
            className={isHighlighted ? 'detection-box is-highlighted' : 'detection-box'}
            style={{
              left: percent(d.box.x1, image.width),
              top: percent(d.box.y1, image.height),
              width: percent(d.box.x2 - d.box.x1, image.width),
              height: percent(d.box.y2 - d.box.y1, image.height),
              borderColor: colorForClass(d.classId),
            }}
            onMouseEnter={() => onHighlight(d.index)}
            onMouseLeave={() => onHighlight(null)}
            onFocus={() => onHighlight(d.index)}
            onBlur={() => onHighlight(null)}
            onClick={() => onHighlight(isHighlighted ? null : d.index)}
          >
            <span className="detection-label" style={{ backgroundColor: colorForClass(d.classId) }}>
              {d.label} {formatConfidence(d.confidence)}
            </span>
          </button>
        );
      })}
    </div>
  );
}
