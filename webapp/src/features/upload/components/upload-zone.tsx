import { type DragEvent, useEffect, useId, useState } from 'react';
import { samplePaths } from '@/config/paths.ts';
import { getSampleImage } from '../api/get-sample-image.ts';

export interface UploadZoneProps {
  onFiles: (files: File[]) => void;
}

/** Drop, file dialog, paste (anywhere on the page) and the bundled samples all end in `onFiles`. */
export function UploadZone({ onFiles }: UploadZoneProps) {
  const inputId = useId();
  const [dragging, setDragging] = useState(false);
  const [sampleError, setSampleError] = useState<string | null>(null);

  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length > 0) {
        event.preventDefault();
        onFiles(files);
      }
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [onFiles]);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (files.length > 0) onFiles(files);
  };

  const addSample = async (sample: (typeof samplePaths)[number]) => {
    setSampleError(null);
    try {
      onFiles([await getSampleImage(sample)]);
    } catch (error) {
      setSampleError(`Could not load the sample: ${String(error)}`);
    }
  };

  return (
    <section
      className={dragging ? 'upload-zone is-dragging' : 'upload-zone'}
      aria-label="Add images"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <p>Drop photos here, paste one, or</p>
      <input
        id={inputId}
        className="visually-hidden"
        type="file"
        accept="image/*"
        multiple
        data-testid="file-input"
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          // Reset so picking the same file again still fires a change.
          e.currentTarget.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
      <label htmlFor={inputId} className="button primary">
        Choose images…
      </label>
      <div className="samples">
        <span>Or try a sample:</span>
        {samplePaths.map((sample) => (
          <button key={sample.name} type="button" className="button" onClick={() => addSample(sample)}>
            {sample.label}
          </button>
        ))}
      </div>
      {sampleError && <p role="alert">{sampleError}</p>}
    </section>
  );
}
