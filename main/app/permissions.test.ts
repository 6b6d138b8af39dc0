/** The window is denied every permission: the studio uses none. */
import { describe, expect, it } from 'vitest';
import { denyUnusedPermissions, isPermissionAllowed } from './permissions';

type RequestHandler = (
  wc: unknown,
  permission: string,
  callback: (granted: boolean) => void,
) => void;
type CheckHandler = (wc: unknown, permission: string) => boolean;

describe('denyUnusedPermissions', () => {
  it('denies requests, checks and devices', () => {
    let onRequest: RequestHandler | undefined;
    let onCheck: CheckHandler | undefined;
    let onDevice: (() => boolean) | undefined;
    denyUnusedPermissions({
      setPermissionRequestHandler: (h) => (onRequest = h as unknown as RequestHandler),
      setPermissionCheckHandler: (h) => (onCheck = h as unknown as CheckHandler),
      setDevicePermissionHandler: (h) => (onDevice = h as unknown as () => boolean),
    });
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'clipboard-sanitized-write',
      'fullscreen',
      'openExternal',
      'hid',
      'serial',
      'usb',
      'midiSysex',
      'pointerLock',
    ]) {
      const answers: boolean[] = [];
      onRequest?.(undefined, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
      expect(onCheck?.(undefined, permission), permission).toBe(false);
      expect(isPermissionAllowed(permission)).toBe(false);
    }
    expect(onDevice?.()).toBe(false);
  });
});
