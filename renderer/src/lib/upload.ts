/**
 * Turning a File the user dropped or picked into a path the studio can read: in the desktop
 * app the preload names its path; in a browser the file is uploaded in base64 chunks and the
 * server answers with the path it wrote.
 */
import { pathForFile, studio } from '../api';

/** Raw bytes per chunk: 768 KiB, about 1 MiB once base64-encoded. */
const CHUNK_BYTES = 768 * 1024;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

export async function uploadFile(
  file: File,
  onProgress?: (sentBytes: number, totalBytes: number) => void,
): Promise<string> {
  let uploadId: string | undefined;
  let offset = 0;
  do {
    const end = Math.min(offset + CHUNK_BYTES, file.size);
    const bytes = new Uint8Array(await file.slice(offset, end).arrayBuffer());
    const last = end >= file.size;
    const answer = await studio.uploadFile({
      ...(uploadId ? { uploadId } : {}),
      name: file.name,
      chunk: toBase64(bytes),
      last,
    });
    uploadId = answer.uploadId;
    offset = end;
    onProgress?.(offset, file.size);
    if (last) {
      if (!answer.path) throw new Error(`The server did not say where it stored ${file.name}.`);
      return answer.path;
    }
  } while (offset <= file.size);
  throw new Error(`The upload of ${file.name} did not finish.`);
}

/** A path for each file: the desktop app's own path, or an upload in web mode. */
export async function pathsForFiles(
  files: File[],
  onProgress?: (name: string, fraction: number) => void,
): Promise<string[]> {
  const paths: string[] = [];
  for (const file of files) {
    const local = studio.transport === 'electron' ? pathForFile(file) : undefined;
    if (local) {
      paths.push(local);
      continue;
    }
    paths.push(
      await uploadFile(file, (sent, total) => onProgress?.(file.name, total ? sent / total : 1)),
    );
  }
  return paths;
}
