import { useCallback, useState } from 'react';

export interface QueuedImage {
  id: string;
  file: File;
  /** Object URL of the file for <img>; the browser applies EXIF orientation like the services do. */
  previewUrl: string;
}

let nextId = 0;

/** The images added in this session, in order, and the one shown in detail. */
export function useImageQueue() {
  const [images, setImages] = useState<QueuedImage[]>([]);
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const addFiles = useCallback((files: File[]) => {
    const added = files.map((file) => {
      nextId += 1;
      return { id: `image-${nextId}`, file, previewUrl: URL.createObjectURL(file) };
    });
    setImages((current) => [...current, ...added]);
    // Show the first of the new batch; the rest wait in the gallery.
    if (added[0]) setSelectedId(added[0].id);
  }, []);

  const selected = images.find((image) => image.id === selectedId) ?? null;
  return { images, selected, addFiles, select: setSelectedId };
}
