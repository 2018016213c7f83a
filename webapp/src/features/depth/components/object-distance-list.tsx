import type { DepthResponse } from '../types.ts';
import { orderObjectsByDistance } from '../utils/depth-map-url.ts';

export interface ObjectDistanceListProps {
  depth: DepthResponse;
  visibleIndices: ReadonlySet<number>;
  highlighted: number | null;
  onHighlight: (index: number | null) => void;
}

/** Detected objects nearest first; depth is relative (larger = nearer), shown as a share of the range. */
export function ObjectDistanceList({
  depth,
  visibleIndices,
  highlighted,
  onHighlight,
}: ObjectDistanceListProps) {
  const objects = orderObjectsByDistance(depth, visibleIndices);
  if (objects.length === 0) return <p className="muted">No objects to order.</p>;
  const { min, max } = depth.stats;
  const nearness = (value: number) => (max > min ? Math.round(((value - min) / (max - min)) * 100) : 0);
  return (
    <ol className="item-list" aria-label="Objects from nearest to farthest">
      {objects.map((o, position) => (
        <li key={o.index}>
          <button
            type="button"
            data-testid="distance-entry"
            data-index={o.index}
            className={highlighted === o.index ? 'item is-highlighted' : 'item'}
            aria-pressed={highlighted === o.index}
            onMouseEnter={() => onHighlight(o.index)}
            onMouseLeave={() => onHighlight(null)}
            onFocus={() => onHighlight(o.index)}
            onBlur={() => onHighlight(null)}
          >
            <span className="rank">{position + 1}</span>
            <span className="item-label">{o.label ?? `object ${o.index + 1}`}</span>
            <span className="item-value" title="Relative nearness (100% = nearest point in the photo)">
              {nearness(o.medianDepth)}% near
            </span>
          </button>
        </li>
      ))}
    </ol>
  );
}
