import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { PlaygroundPage } from './pages/PlaygroundPage';
import { StudioPage } from './pages/StudioPage';
import { TrainPage } from './pages/TrainPage';

// A run trained by the CLI: 30 steps, validated once at the end.
test.use({ seedRun: { maxSteps: 30 } });

test('a chart exports CSV with the plotted values; a second run made in the New run dialog is compared in a settings table', async ({
  app,
}) => {
  const page = app.page;
  const studio = new StudioPage(page);
  await studio.goto('train');
  const train = new TrainPage(page);
  await expect(train.runPanel).toBeVisible();
  await expect.poll(() => train.chartPoints('train-loss')).toBeGreaterThan(0);

  // CSV of the training loss: one row per plotted step, the smoothed value as the chart says.
  const dir = mkdtempSync(join(tmpdir(), 'studio-csv-'));
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('chart-train-loss-csv').click(),
  ]);
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^step,.*\(raw\),/);
  expect(lines.length - 1).toBe(await train.chartPoints('train-loss'));
  const lastSmoothed = Number(lines.at(-1)?.split(',').at(-1));
  await expect(page.getByTestId('chart-train-loss-latest')).toHaveText(
    String(Number(lastSmoothed.toPrecision(4))),
  );

  // The one-point validation chart, on each x-axis: no tick label twice.
  for (const axis of ['step', 'time', 'tokens']) {
    await page.getByTestId('chart-x-axis').selectOption(axis);
    const tick = train
      .chart('valid-loss')
      .locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value');
    await expect(tick.first()).toBeVisible();
    const ticks = await tick.allTextContents();
    expect(new Set(ticks).size).toBe(ticks.length);
  }

  // A click on a point opens its checkpoint in the Playground, and maps back to the step on
  // any x-axis: the one validation point (step 30, the run's final checkpoint) on tokens seen.
  await page.getByTestId('chart-x-axis').selectOption('tokens');
  await expect(train.chart('valid-loss').locator('.recharts-line-dot')).toHaveCount(1);
  const runId = await train.runSelect.inputValue();
  await train.clickPoint('valid-loss');
  const playground = new PlaygroundPage(page);
  await expect(playground.runSelect).toHaveValue(runId);
  await expect(playground.checkpointSelect).toHaveValue('30');
  await expect(page.getByTestId('pg-opened-note')).toHaveText(
    'Opened from the curves: checkpoint 30, saved at step 30.',
  );
  await studio.goto('train');
  await expect(train.runPanel).toBeVisible();

  await page.getByTestId('chart-x-axis').selectOption('step');
  await expect(page.getByTestId('chart-train-loss-note')).toHaveAttribute(
    'title',
    /label-smoothed/,
  );

  // A second run, in the dialog: the preset it is, then custom with a warning and a time estimate.
  await train.newRunOpen.click();
  await expect(train.newRunDialog).toBeVisible();
  await expect(train.presetMatch).toContainText('tiny preset');
  await page.locator('details.knobs summary', { hasText: 'Training' }).click();
  await train.knob('maxSteps').fill('20');
  await expect(train.presetMatch).toContainText('Custom');
  await expect(train.intervalWarnings).toContainText(
    'Validation every 50 steps, but the run has 20',
  );
  await expect(train.stepTime).toBeVisible();
  await expect(train.timeSource).toContainText('FLOP');
  await page.screenshot({ path: `docs/screenshots/new-run-${app.mode}.png` });
  await train.createOnly.click();
  await expect(train.newRunDialog).toHaveCount(0);
  await expect(train.status).toHaveAttribute('data-status', 'created');

  await page.locator('fieldset.compare input[type="checkbox"]').first().check();
  const table = page.getByTestId('compare-settings');
  await expect(table).toBeVisible();
  await expect(table.locator('[data-key="maxSteps"]')).toHaveAttribute('data-differs', 'true');
  // Settings that are the same show on asking for every one.
  await expect(table.locator('[data-key="dModel"]')).toHaveCount(0);
  await page.getByTestId('compare-all').check();
  await expect(table.locator('[data-key="dModel"]')).toHaveAttribute('data-differs', 'false');
  await page.screenshot({ path: `docs/screenshots/compare-${app.mode}.png`, fullPage: true });
});
