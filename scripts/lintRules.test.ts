/**
 * The import directions of STYLE.md are lint rules; these fixtures break them (and one keeps
 * them) and the linter must say so.
 */
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(fixture: string, asPath: string): Promise<string[]> {
  const code = readFileSync(join('scripts/lint-fixtures', fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: asPath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('import-direction lint rules', () => {
  it('a renderer file importing main code is reported', async () => {
    const messages = await restrictedImports(
      'rendererImportsMain.fixture.ts',
      'renderer/src/bad.ts',
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('window.studio');
  });

  it('a shared file importing node:fs and main code is reported twice', async () => {
    const messages = await restrictedImports('sharedImportsNode.fixture.ts', 'shared/bad.ts');
    expect(messages).toHaveLength(2);
  });

  it('a service importing tfjs is reported', async () => {
    const messages = await restrictedImports(
      'servicesImportTfjs.fixture.ts',
      'main/services/bad.ts',
    );
    expect(messages).toEqual([
      expect.stringContaining('TensorFlow.js is loaded only inside the engine worker'),
    ]);
  });

  it('the same tfjs import is allowed in the model', async () => {
    expect(await restrictedImports('servicesImportTfjs.fixture.ts', 'main/model/ok.ts')).toEqual(
      [],
    );
  });

  it('a renderer file importing shared types passes', async () => {
    expect(
      await restrictedImports('rendererImportsShared.fixture.ts', 'renderer/src/good.ts'),
    ).toEqual([]);
  });
});
