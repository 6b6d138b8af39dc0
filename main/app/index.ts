/**
 * The Electron app's lifecycle only: start the studio services, bind IPC, open the window.
 */
import { app, BrowserWindow, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBackend } from '../host/cli/args';
import { bindIpc } from './ipc';
import { installMenu } from './menu';
import { denyUnusedPermissions } from './permissions';
import { createStudio, type Studio } from '../host/studio';
import { createMainWindow, rendererTarget } from './window';

const mainDir = dirname(fileURLToPath(import.meta.url));
const homeFlag = process.argv.find((a) => a.startsWith('--home='))?.slice('--home='.length);
const backendFlag = process.argv
  .find((a) => a.startsWith('--backend='))
  ?.slice('--backend='.length);

let studio: Studio | undefined;
let window: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) app.quit();

app.on('second-instance', () => {
  if (window?.isMinimized()) window.restore();
  window?.focus();
});

app.whenReady().then(() => {
  denyUnusedPermissions(session.defaultSession);
  studio = createStudio({
    home: homeFlag ?? app.getPath('userData'),
    backend: parseBackend(backendFlag),
  });
  const target = rendererTarget(mainDir);
  bindIpc(studio, () => window, target.isTrustedUrl);
  const events = studio.events;
  installMenu(
    (action) => events.emit('menu', action),
    () => window,
  );
  void studio.recover();
  const open = (): void => {
    window = createMainWindow(mainDir, target, join(mainDir, '..', '..', 'resources', 'icon.png'));
    window.on('closed', () => (window = undefined));
  };
  open();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Quitting while a run trains: stop it after the current step and write its checkpoint first.
let disposed = false;
app.on('before-quit', (event) => {
  if (disposed || !studio) return;
  event.preventDefault();
  disposed = true;
  void studio.dispose().finally(() => app.quit());
});
