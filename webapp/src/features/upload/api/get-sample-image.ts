/** Fetch one of the bundled sample photos (webapp/public/samples) as a File, like a picked one. */
export async function getSampleImage(sample: { url: string; name: string }): Promise<File> {
  const response = await fetch(sample.url);
  if (!response.ok) throw new Error(`sample ${sample.name} answered ${response.status}`);
  const blob = await response.blob();
  return new File([blob], sample.name, { type: blob.type || 'image/jpeg' });
}
