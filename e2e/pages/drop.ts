/** A real drop of files on any drop zone: their bytes become Files in a DataTransfer. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Locator, Page } from '@playwright/test';

/** Dispatches dragenter / dragover / drop with `paths` as Files on `zone`. */
export async function dropFilesOn(page: Page, zone: Locator, paths: string[]): Promise<void> {
  const files = paths.map((p) => ({
    name: basename(p),
    base64: readFileSync(p).toString('base64'),
  }));
  const dataTransfer = await page.evaluateHandle((list) => {
    // Runs in the page (DOM types are not in the e2e tsconfig).
    const g = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: unknown): void } };
    };
    const dt = new g.DataTransfer();
    for (const f of list) {
      const bin = atob(f.base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name));
    }
    return dt;
  }, files);
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await zone.dispatchEvent(type, { dataTransfer });
  }
}
