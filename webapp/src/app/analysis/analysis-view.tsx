import { useMemo, useState } from 'react';
import { ErrorMessage } from '@/components/error-message.tsx';
import { Spinner } from '@/components/spinner.tsx';
import { type TimingColumn, TimingsTable } from '@/components/timings-table.tsx';
import { DepthControls, type DepthViewMode } from '@/features/depth/components/depth-controls.tsx';
import { DepthMapImage } from '@/features/depth/components/depth-map-image.tsx';
import { ObjectDistanceList } from '@/features/depth/components/object-distance-list.tsx';
import { type Colormap, DEFAULT_COLORMAP } from '@/features/depth/types.ts';
import { DETECTION_REQUEST_CONFIDENCE } from '@/features/detection/api/detect-objects.ts';
import { DetectionFilters } from '@/features/detection/components/detection-filters.tsx';
import { DetectionList } from '@/features/detection/components/detection-list.tsx';
import { DetectionOverlay } from '@/features/detection/components/detection-overlay.tsx';
import { drawAnnotatedImage } from '@/features/detection/utils/draw-annotated-image.ts';
import { type DetectionFilter, filterDetections } from '@/features/detection/utils/filter-detections.ts';
import { base64ToBlob, baseName, saveBlob } from '@/lib/download.ts';
import { buildResultsJson } from './build-results-json.ts';
import { useAnalysis } from './use-analysis.ts';
import type { QueuedImage } from './use-image-queue.ts';

export const DEFAULT_MIN_CONFIDENCE = 0.25;

export function AnalysisView({ image }: { image: QueuedImage }) {
  const [colormap, setColormap] = useState<Colormap>(DEFAULT_COLORMAP);
  const [mode, setMode] = useState<DepthViewMode>('side');
  const [opacity, setOpacity] = useState(0.6);
  const [highlighted, setHighlighted] = useState<number | null>(null);
  const [previewBroken, setPreviewBroken] = useState(false);
  const [filter, setFilter] = useState<DetectionFilter>({
    minConfidence: DEFAULT_MIN_CONFIDENCE,
    hiddenLabels: new Set(),
  });
  const { detection, depth } = useAnalysis(image, colormap);

  const visible = useMemo(
    () => filterDetections(detection.data?.detections ?? [], filter),
    [detection.data, filter],
  );
  const visibleIndices = useMemo(() => new Set(visible.map((d) => d.index)), [visible]);

  const timingColumns: TimingColumn[] = [];
  if (detection.data) timingColumns.push({ request: 'detection', timings: detection.data.timings });
  if (depth.data) timingColumns.push({ request: 'depth', timings: depth.data.timings });

  const name = baseName(image.file.name);
  const downloadJson = () => {
    if (!detection.data) return;
    const json = buildResultsJson({
      fileName: image.file.name,
      detection: detection.data,
      depth: depth.data,
      filter,
      visible,
    });
    saveBlob(new Blob([json], { type: 'application/json' }), `${name}-results.json`);
  };
  const downloadAnnotated = async () =>
    saveBlob(await drawAnnotatedImage(image.file, visible), `${name}-boxes.png`);
  const downloadDepth = () => {
    if (!depth.data) return;
    saveBlob(base64ToBlob(depth.data.depthMap.base64, depth.data.depthMap.mimeType), `${name}-depth.png`);
  };

  return (
    <article className="analysis" aria-label={`Results for ${image.file.name}`}>
      <div className={mode === 'side' ? 'stages side-by-side' : 'stages'}>
        <figure className="stage">
          <div className="stage-frame">
            {previewBroken ? (
              <div className="stage-placeholder">No preview: the browser cannot show this file.</div>
            ) : (
              <img
                src={image.previewUrl}
                alt={image.file.name}
                data-testid="photo"
                onError={() => setPreviewBroken(true)}
              />
            )}
            {mode === 'overlay' && depth.data && (
              <DepthMapImage depth={depth.data} className="depth-overlay" style={{ opacity }} />
            )}
            {detection.data && (
              <DetectionOverlay
                image={detection.data.image}
                detections={visible}
                highlighted={highlighted}
                onHighlight={setHighlighted}
              />
            )}
          </div>
          <figcaption>
            {image.file.name}
            {detection.data && ` · ${detection.data.image.width}×${detection.data.image.height}`}
          </figcaption>
        </figure>
        {mode === 'side' && !detection.isError && (
          <figure className="stage">
            {depth.data ? (
              <div className="stage-frame">
                <DepthMapImage depth={depth.data} />
              </div>
            ) : depth.isError ? null : (
              <div className="stage-placeholder">
                <Spinner label={detection.isPending ? 'Waiting for detection…' : 'Estimating depth…'} />
              </div>
            )}
            <figcaption>Depth map · brighter is nearer</figcaption>
          </figure>
        )}
      </div>

      <div className="panels">
        <section className="panel" aria-labelledby={`${image.id}-objects`}>
          <h2 id={`${image.id}-objects`}>Objects</h2>
          {detection.isPending && <Spinner label="Detecting objects…" />}
          {detection.isError && <ErrorMessage error={detection.error} title="Detection failed" />}
          {detection.data && (
            <>
              <DetectionFilters
                detections={detection.data.detections}
                filter={filter}
                minSelectable={DETECTION_REQUEST_CONFIDENCE}
                onChange={setFilter}
              />
              <p className="muted" data-testid="visible-count">
                {visible.length} of {detection.data.detections.length} shown
              </p>
              <DetectionList detections={visible} highlighted={highlighted} onHighlight={setHighlighted} />
            </>
          )}
        </section>

        <section className="panel" aria-labelledby={`${image.id}-depth`}>
          <h2 id={`${image.id}-depth`}>Nearest to farthest</h2>
          <DepthControls
            colormap={colormap}
            mode={mode}
            opacity={opacity}
            onColormapChange={setColormap}
            onModeChange={setMode}
            onOpacityChange={setOpacity}
          />
          {detection.data && depth.isPending && <Spinner label="Estimating depth…" />}
          {depth.isError && <ErrorMessage error={depth.error} title="Depth failed" />}
          {depth.data && (
            <ObjectDistanceList
              depth={depth.data}
              visibleIndices={visibleIndices}
              highlighted={highlighted}
              onHighlight={setHighlighted}
            />
          )}
        </section>

        <section className="panel" aria-labelledby={`${image.id}-details`}>
          <h2 id={`${image.id}-details`}>Timings and downloads</h2>
          {timingColumns.length > 0 && <TimingsTable columns={timingColumns} />}
          <div className="downloads">
            <button type="button" className="button" onClick={downloadJson} disabled={!detection.data}>
              Download results (JSON)
            </button>
            <button type="button" className="button" onClick={downloadAnnotated} disabled={!detection.data}>
              Download annotated image (PNG)
            </button>
            <button type="button" className="button" onClick={downloadDepth} disabled={!depth.data}>
              Download depth map (PNG)
            </button>
          </div>
        </section>
      </div>
    </article>
  );
}
