/**
 * The BrowserWindow factory: isolation on, sandbox on, no Node in the page, navigation and new
 * windows blocked (links open in the system browser).
 */
import { BrowserWindow, nativeTheme, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface WindowTarget {
  /** The dev server URL (electron-vite dev) or the built index.html. */
  url: string;
  isTrustedUrl: (url: string) => boolean;
}

export function rendererTarget(mainDir: string): WindowTarget {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) return { url: devUrl, isTrustedUrl: (u) => u.startsWith(devUrl) };
  const file = pathToFileURL(join(mainDir, '..', 'renderer', 'index.html')).href;
  return { url: file, isTrustedUrl: (u) => u.split(/[?#]/)[0] === file };
}

export function createMainWindow(
  mainDir: string,
  target: WindowTarget,
  iconPath?: string,
): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Transformer Studio',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#15171c' : '#f7f7f9',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: join(mainDir, '..', 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!target.isTrustedUrl(url)) event.preventDefault();
  });
  void window.loadURL(target.url);
  return window;
}
