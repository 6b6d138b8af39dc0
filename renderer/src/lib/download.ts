/**
 * Web mode's downloads: a file the server wrote into the studio's exports (checkpointExport)
 * is fetched by the browser from `GET /download?path=...` (main/host/web/downloads.ts), with
 * the token's cookie. The desktop app writes where the user asked and needs none of this.
 */

/** The URL the web server sends an export from. */
export function downloadUrl(serverPath: string): string {
  return `/download?path=${encodeURIComponent(serverPath)}`;
}

/** The file name at the end of a server path (either separator). */
export function fileNameOf(serverPath: string): string {
  return serverPath.split(/[/\\]/).pop() || 'download';
}

/** Starts the browser's download of a file the server wrote. */
export function downloadFromServer(serverPath: string, doc: Document = document): void {
  const link = doc.createElement('a');
  link.href = downloadUrl(serverPath);
  link.download = fileNameOf(serverPath);
  link.rel = 'noopener';
  doc.body.append(link);
  link.click();
  link.remove();
}
