import type { StudioApi } from '../../shared/api';

declare global {
  interface Window {
    /** Provided by the Electron preload; absent in web mode (the WebSocket client is used). */
    studio?: StudioApi & { pathForFile?: (file: File) => string };
  }
}

export {};
