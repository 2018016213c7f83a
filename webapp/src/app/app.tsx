import { StatusBadges } from '@/features/status/components/status-badges.tsx';
import { UploadZone } from '@/features/upload/components/upload-zone.tsx';
import { AnalysisView } from './analysis/analysis-view.tsx';
import { Gallery } from './analysis/gallery.tsx';
import { useImageQueue } from './analysis/use-image-queue.ts';

export function App() {
  const queue = useImageQueue();
  return (
    <div className="app">
      <header className="app-header">
        <h1>ML Image Platform</h1>
        <StatusBadges />
      </header>
      <main>
        <UploadZone onFiles={queue.addFiles} />
        {queue.images.length > 1 && (
          <Gallery images={queue.images} selectedId={queue.selected?.id ?? null} onSelect={queue.select} />
        )}
        {queue.selected ? (
          // A key per image: filters and highlight start fresh for each photo.
          <AnalysisView key={queue.selected.id} image={queue.selected} />
        ) : (
          <p className="muted intro">
            Add a photo to see the objects in it, a depth map, and which objects are nearest.
          </p>
        )}
      </main>
    </div>
  );
}
