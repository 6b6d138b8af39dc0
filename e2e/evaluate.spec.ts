import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, SAMPLE, test } from './fixtures';
import { EvaluatePage } from './pages/EvaluatePage';
import { StudioPage } from './pages/StudioPage';

// A run trained by the CLI into the home the studio then opens (its one checkpoint: 20).
test.use({ seedRun: { maxSteps: 20 } });

test('evaluating a checkpoint on two dropped files shows a progress bar, BLEU with its signature and sentences worst first', async ({
  app,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-eval-'));
  const head = (file: string, n: number) => readFileSync(file, 'utf8').split('\n').slice(0, n);
  const src = join(dir, 'test.en');
  const ref = join(dir, 'test.de');
  writeFileSync(src, `${head(SAMPLE.en, 150).join('\n')}\n`);
  writeFileSync(ref, `${head(SAMPLE.de, 150).join('\n')}\n`);

  const studio = new StudioPage(app.page);
  await studio.goto('evaluate');
  const evaluate = new EvaluatePage(app.page);
  await evaluate.checkpoints.first().check();
  await evaluate.dropTestSet(src, ref);
  await expect(evaluate.files).toContainText('test.en');
  await expect(evaluate.files).toContainText('test.de');
  await evaluate.mode.selectOption('beam');

  const sawProgress = evaluate.progress.waitFor({ state: 'attached', timeout: 60_000 });
  await evaluate.start.click();
  await sawProgress;
  await expect(evaluate.results).toBeVisible({ timeout: 120_000 });
  await expect(evaluate.error).toHaveCount(0);

  await expect(evaluate.bleuSignature.first()).toContainText(
    'BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = ',
  );
  await expect(evaluate.chrfSignature.first()).toContainText('chrF2|nrefs:1|');
  const scores = (await evaluate.sentenceBleu.allTextContents()).map(Number);
  expect(scores.length).toBeGreaterThan(0);
  expect([...scores].sort((a, b) => a - b)).toEqual(scores);
  await app.page.screenshot({ path: `docs/screenshots/evaluate-${app.mode}.png`, fullPage: true });

  const checkpoint = await evaluate.resultRows.first().getAttribute('data-checkpoint');
  const [download] = await Promise.all([
    app.page.waitForEvent('download'),
    evaluate.download(checkpoint ?? '').click(),
  ]);
  const saved = join(dir, download.suggestedFilename());
  await download.saveAs(saved);
  expect(readFileSync(saved, 'utf8').split('\n')).toHaveLength(151);
});
