/** One CSP: the meta tag of renderer/index.html is RENDERER_CSP; web mode adds frame-ancestors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP, WEB_CSP } from './csp';

describe('the Content-Security-Policy', () => {
  it('is the same in renderer/index.html, without frame-ancestors (ignored in a meta tag)', () => {
    const html = readFileSync(join(import.meta.dirname, '../../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1];
    expect(meta).toBe(RENDERER_CSP);
    expect(meta).not.toContain('frame-ancestors');
    expect(WEB_CSP).toBe(`${RENDERER_CSP}; frame-ancestors 'none'`);
  });
});
