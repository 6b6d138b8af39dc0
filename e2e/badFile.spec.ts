import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { DatasetsPage } from './pages/DatasetsPage';
import { StudioPage } from './pages/StudioPage';

test('a bad corpus shows its error sentence, naming the file and line, and imports nothing', async ({
  app,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-bad-'));
  const en = join(dir, 'talk.en');
  const de = join(dir, 'talk.de');
  writeFileSync(en, 'one\ntwo\nthree\nfour\n');
  writeFileSync(de, 'eins\nzwei\ndrei\n');

  const studio = new StudioPage(app.page);
  await studio.goto('datasets');
  const datasets = new DatasetsPage(app.page);
  await datasets.dropFiles([en, de]);
  await expect(datasets.previewProblem.first()).toContainText('talk.de');
  await expect(datasets.previewProblem.first()).toContainText(/3 lines.*4|4 lines.*3/);
  await expect(datasets.importButton).toBeDisabled();
  await app.page.screenshot({ path: `docs/screenshots/bad-file-${app.mode}.png` });

  // Binary noise gets a sentence too.
  const bin = join(dir, 'noise.tsv');
  writeFileSync(bin, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  await datasets.dropFiles([bin]);
  await expect(datasets.previewProblem.or(datasets.previewError).first()).toContainText(
    'noise.tsv',
  );
  await expect(datasets.rows).toHaveCount(0);
});
