import { useId } from 'react';
import { COLORMAPS, type Colormap } from '../types.ts';

export type DepthViewMode = 'side' | 'overlay';

export interface DepthControlsProps {
  colormap: Colormap;
  mode: DepthViewMode;
  opacity: number;
  onColormapChange: (colormap: Colormap) => void;
  onModeChange: (mode: DepthViewMode) => void;
  onOpacityChange: (opacity: number) => void;
}

export function DepthControls(props: DepthControlsProps) {
  const colormapId = useId();
  const opacityId = useId();
  return (
    <div className="filters">
      <div className="field">
        <label htmlFor={colormapId}>Colour map</label>
        <select
          id={colormapId}
          value={props.colormap}
          onChange={(e) => props.onColormapChange(e.currentTarget.value as Colormap)}
        >
          {COLORMAPS.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="segmented">
        <legend>Depth map</legend>
        <label className="checkbox">
          <input
            type="radio"
            name={`${colormapId}-mode`}
            checked={props.mode === 'side'}
            onChange={() => props.onModeChange('side')}
          />
          Beside the photo
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name={`${colormapId}-mode`}
            checked={props.mode === 'overlay'}
            onChange={() => props.onModeChange('overlay')}
          />
          Over the photo
        </label>
      </fieldset>
      {props.mode === 'overlay' && (
        <div className="field">
          <div className="field-head">
            <label htmlFor={opacityId}>Depth opacity</label>
            <output htmlFor={opacityId}>{Math.round(props.opacity * 100)}%</output>
          </div>
          <input
            id={opacityId}
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={props.opacity}
            onChange={(e) => props.onOpacityChange(Number(e.currentTarget.value))}
          />
        </div>
      )}
    </div>
  );
}
