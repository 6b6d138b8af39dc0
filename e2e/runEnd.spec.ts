import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { StudioPage } from './pages/StudioPage';

// A run the CLI stops early: BLEU, measured every 10 steps, rises while the tiny model learns
// the sample corpus and stops improving near its ceiling (~84 on this machine at step 100), so
// 2 evaluations without a new best end the run long before step 300.
test.use({
  seedRun: {
    maxSteps: 300,
    args: [
      '--valid-every',
      '10',
      '--bleu-every',
      '10',
      '--patience',
      '2',
      '--early-stop-on',
      'bleu',
    ],
  },
});

test('an early-stopped run shows why it ended; a checkpoint export downloads in the browser', async ({
  app,
}) => {
  test.setTimeout(300_000);
  const page = app.page;
  const studio = new StudioPage(page);
  await studio.goto('train');
  const end = page.getByTestId('run-end');
  await expect(end).toHaveAttribute('data-end-kind', 'early_stopped');
  await expect(end).toContainText('Stopped early');
  await expect(end).toContainText('BLEU did not improve for 2 evaluations');
  await expect(page.getByTestId('run-end-tokens')).toContainText('target tokens seen');
  await page.screenshot({ path: `docs/screenshots/run-end-${app.mode}.png`, fullPage: true });

  await studio.goto('checkpoints');
  const exportButton = page.getByTestId('checkpoint-export').first();
  await expect(exportButton).toBeEnabled();
  if (app.mode !== 'web') return; // the desktop app writes the file where the user chose
  const [download] = await Promise.all([page.waitForEvent('download'), exportButton.click()]);
  expect(download.suggestedFilename()).toMatch(/\.tstudio$/);
  const file = join(mkdtempSync(join(tmpdir(), 'export-')), download.suggestedFilename());
  await download.saveAs(file);
  expect(readFileSync(file).length).toBeGreaterThan(1000);
});
