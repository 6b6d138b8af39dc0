/**
 * The studio asks the browser for no permission at all (no camera, microphone, notifications,
 * geolocation, clipboard reading, USB, HID, serial, MIDI...), so every request and check is
 * denied: a page that somehow ran in the window could not ask the user for one either.
 */
import type { Session } from 'electron';

/** Permissions the studio uses: none. Add one here, with the feature that needs it. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set<string>();

/** Whether the studio's window may have `permission`. */
export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission);
}

/** Installs the deny-everything handlers on a session (the window's: the default session). */
export function denyUnusedPermissions(
  session: Pick<
    Session,
    'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
  >,
): void {
  session.setPermissionRequestHandler((_webContents, permission, callback) =>
    callback(isPermissionAllowed(permission)),
  );
  session.setPermissionCheckHandler((_webContents, permission) => isPermissionAllowed(permission));
  session.setDevicePermissionHandler(() => false);
}
