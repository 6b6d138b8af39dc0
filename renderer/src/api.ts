/**
 * The renderer's one door to the studio: `window.studio` from the Electron preload, or the
 * WebSocket client in web mode. Same interface either way.
 */
import type { StudioApi } from '../../shared/api';
import { createWebClient } from './webClient';

export const studio: StudioApi = window.studio ?? createWebClient();

/** The path of a dropped file in the desktop app; undefined in a browser (upload instead). */
export function pathForFile(file: File): string | undefined {
  return window.studio?.pathForFile?.(file);
}
