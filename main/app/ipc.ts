/**
 * Binds every call of shared/api.ts to the studio's handlers over Electron IPC, and forwards
 * events to the window. The sender is checked: only our own window's main frame may call.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/api';
import { AppError, ErrorCode, fail } from '../../shared/errors';
import { dispatch } from '../host/dispatch';
import type { Studio } from '../host/studio';

export function bindIpc(
  studio: Studio,
  getWindow: () => BrowserWindow | undefined,
  isTrustedUrl: (url: string) => boolean,
): () => void {
  const handle = async (event: IpcMainInvokeEvent, name: unknown, input: unknown) => {
    const window = getWindow();
    const frame = event.senderFrame;
    if (
      !window ||
      event.sender !== window.webContents ||
      !frame ||
      frame.parent !== null ||
      !isTrustedUrl(frame.url)
    ) {
      return fail(
        new AppError(ErrorCode.Unauthorized, 'This call did not come from the studio window.'),
      );
    }
    return dispatch(studio.handlers, name, input);
  };
  ipcMain.handle(IPC_CALL_CHANNEL, handle);
  const unsubscribe = studio.events.subscribe((event, payload) => {
    const window = getWindow();
    if (window && !window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event, payload);
  });
  return () => {
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
    unsubscribe();
  };
}
