/**
 * The packaged app's Electron fuses (issue 11 "Electron"): set in electron-builder.yml, each
 * a fuse the installed electron-builder knows (its JSON schema), so a typo cannot pass silently.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

describe('electron-builder.yml', () => {
  it('turns RunAsNode and NODE_OPTIONS off, cookie encryption and asar-only loading on', () => {
    const yaml = require('js-yaml') as { load(text: string): unknown };
    const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as {
      electronFuses?: Record<string, boolean>;
    };
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      onlyLoadAppFromAsar: true,
    });
    const schema = JSON.parse(
      readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8'),
    ) as { definitions: { FuseOptionsV1: { properties: Record<string, { type: string }> } } };
    const known = schema.definitions.FuseOptionsV1.properties;
    for (const fuse of Object.keys(config.electronFuses ?? {})) {
      expect(known[fuse]?.type, fuse).toBe('boolean');
    }
  });
});
