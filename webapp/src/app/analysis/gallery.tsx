import { DEFAULT_COLORMAP } from '@/features/depth/types.ts';
import { describeError } from '@/lib/error-messages.ts';
import { DEFAULT_MIN_CONFIDENCE } from './analysis-view.tsx';
import { useAnalysis } from './use-analysis.ts';
import type { QueuedImage } from './use-image-queue.ts';

function GalleryItem({
  image,
  selected,
  onSelect,
}: {
  image: QueuedImage;
  selected: boolean;
  onSelect: () => void;
}) {
  // Every queued image is analysed as soon as it is added, whether or not it is on show.
  const { detection, depth } = useAnalysis(image, DEFAULT_COLORMAP);
  let status: string;
  if (detection.isPending) status = 'Detecting…';
  else if (detection.isError) status = describeError(detection.error);
  else if (depth.isPending) status = 'Estimating depth…';
  else {
    const count = detection.data.detections.filter((d) => d.confidence >= DEFAULT_MIN_CONFIDENCE).length;
    status = `${count} object${count === 1 ? '' : 's'}${depth.isError ? ' · depth failed' : ''}`;
  }
  return (
    <li>
      <button
        type="button"
        className={selected ? 'thumb is-selected' : 'thumb'}
        aria-pressed={selected}
        onClick={onSelect}
        data-testid="gallery-item"
      >
        {detection.isError ? (
          <span className="thumb-placeholder" aria-hidden="true" />
        ) : (
          <img src={image.previewUrl} alt="" />
        )}
        <span className="thumb-name">{image.file.name}</span>
        <span className="thumb-status">{status}</span>
      </button>
    </li>
  );
}

export function Gallery({
  images,
  selectedId,
  onSelect,
}: {
  images: QueuedImage[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <ul className="gallery" aria-label="Your images">
      {images.map((image) => (
        <GalleryItem
          key={image.id}
          image={image}
          selected={image.id === selectedId}
          onSelect={() => onSelect(image.id)}
        />
      ))}
    </ul>
  );
}
