import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { DatasetsPage } from './pages/DatasetsPage';
import { StudioPage } from './pages/StudioPage';

/** `n` distinct sentence pairs. */
function pairs(n: number): [string, string][] {
  return Array.from({ length: n }, (_, i) => [`the house ${i} is red`, `das Haus ${i} ist rot`]);
}

test('the preview shows a bad file’s line-precise error before Import, and a vocabulary the corpus cannot fill', async ({
  app,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-check-'));
  const rows = pairs(400).map(([en, de]) => JSON.stringify({ en, de }));
  rows[349] = JSON.stringify({ en: 'only one side' });
  const bad = join(dir, 'talk.jsonl');
  writeFileSync(bad, `${rows.join('\n')}\n`);

  const studio = new StudioPage(app.page);
  await studio.goto('datasets');
  const datasets = new DatasetsPage(app.page);
  await datasets.dropFiles([bad]);
  await expect(datasets.previewTable).toContainText('the house 0 is red');
  // Line 350 is past the lines the preview reads; the check of every line names it.
  await expect(datasets.previewProblem.first()).toContainText('talk.jsonl line 350');
  await expect(datasets.importButton).toBeDisabled();
  await app.page.screenshot({ path: `docs/screenshots/preview-check-${app.mode}.png` });

  // A small TSV without a header: languages not set are said, and 2,000 tokens cannot be had.
  const tsv = join(dir, 'small.tsv');
  writeFileSync(
    tsv,
    `${pairs(60)
      .map(([en, de]) => `${en}\t${de}`)
      .join('\n')}\n`,
  );
  await datasets.dropFiles([tsv]);
  await expect(datasets.checkSummary).toContainText('60 pairs read');
  await expect(datasets.langUnsetNote).toContainText('"src → tgt"');
  await datasets.vocabSize.fill('2000');
  await expect(datasets.vocabShortfall).toContainText(
    /2,000 requested, \d+ possible on this corpus/,
  );
  await expect(datasets.importButton).toBeEnabled();
});
