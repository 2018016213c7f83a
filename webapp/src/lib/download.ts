/** Save a blob through a temporary link (works in every browser without a library). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke on the next turn: Firefox starts the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function base64ToBlob(base64: string, mimeType: string): Blob {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: mimeType });
}

/** `bus.jpg` -> `bus` */
export function baseName(fileName: string): string {
  return fileName.replace(/\.[^.]+$/, '') || 'image';
}
