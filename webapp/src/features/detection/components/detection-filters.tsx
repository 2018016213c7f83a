import { useId } from 'react';
import type { Detection } from '../types.ts';
import { countLabels, type DetectionFilter, formatConfidence } from '../utils/filter-detections.ts';

export interface DetectionFiltersProps {
  detections: Detection[];
  filter: DetectionFilter;
  minSelectable: number;
  onChange: (filter: DetectionFilter) => void;
}

/** Confidence slider and class checkboxes; they filter the answer already received. */
export function DetectionFilters({ detections, filter, minSelectable, onChange }: DetectionFiltersProps) {
  const sliderId = useId();
  const labels = countLabels(detections);
  const toggleLabel = (label: string, visible: boolean) => {
    const hiddenLabels = new Set(filter.hiddenLabels);
    if (visible) hiddenLabels.delete(label);
    else hiddenLabels.add(label);
    onChange({ ...filter, hiddenLabels });
  };
  return (
    <div className="filters">
      <div className="field">
        <div className="field-head">
          <label htmlFor={sliderId}>Minimum confidence</label>
          <output htmlFor={sliderId}>{formatConfidence(filter.minConfidence)}</output>
        </div>
        <input
          id={sliderId}
          type="range"
          min={minSelectable}
          max={1}
          step={0.01}
          value={filter.minConfidence}
          onChange={(e) => onChange({ ...filter, minConfidence: Number(e.currentTarget.value) })}
        />
      </div>
      {labels.length > 0 && (
        <fieldset className="class-filter">
          <legend>Classes</legend>
          {labels.map(({ label, count }) => (
            <label key={label} className="checkbox">
              <input
                type="checkbox"
                checked={!filter.hiddenLabels.has(label)}
                onChange={(e) => toggleLabel(label, e.currentTarget.checked)}
              />
              {label} <span className="muted">({count})</span>
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}
