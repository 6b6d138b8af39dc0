import { expect, SAMPLE, test } from './fixtures';
import { CheckpointsPage } from './pages/CheckpointsPage';
import { DatasetsPage } from './pages/DatasetsPage';
import { StudioPage } from './pages/StudioPage';
import { TrainPage } from './pages/TrainPage';

test('a tiny training run: live loss and progress, pause and resume, stop, checkpoints', async ({
  app,
}) => {
  const studio = new StudioPage(app.page);
  await studio.goto('datasets');
  const datasets = new DatasetsPage(app.page);
  // Web mode reads only files in the studio home (README "What a browser may touch"): a
  // browser uploads the sample; the desktop app names it by path.
  if (app.mode === 'web') await datasets.pickFiles([SAMPLE.en, SAMPLE.de]);
  else await datasets.previewPaths([SAMPLE.en, SAMPLE.de]);
  await datasets.vocabSize.fill('400');
  await datasets.importAs('sample');

  await studio.goto('train');
  const train = new TrainPage(app.page);
  await train.startRun({
    dataset: 'sample',
    preset: 'tiny',
    knobs: { maxSteps: 2000, validEvery: 10, checkpointEvery: 10 },
  });
  await expect(train.status).toHaveAttribute('data-status', 'running');
  await expect.poll(() => train.chartPoints('train-loss'), { timeout: 90_000 }).toBeGreaterThan(5);
  const early = await train.progressValue();
  await expect.poll(() => train.progressValue(), { timeout: 90_000 }).toBeGreaterThan(early);
  await expect(train.backend).toContainText(/wasm|cpu|tensorflow/);

  await train.pauseButton.click();
  await expect(train.status).toHaveAttribute('data-status', 'paused');
  // Paused means parked between two steps: the step shown settles and stays.
  await app.page.waitForTimeout(1000);
  const pausedAt = await train.currentStep();
  await app.page.waitForTimeout(2000);
  expect(await train.currentStep()).toBe(pausedAt);

  await train.resumeButton.click();
  await expect(train.status).toHaveAttribute('data-status', 'running');
  await expect
    .poll(() => train.currentStep(), { timeout: 90_000 })
    .toBeGreaterThan(Math.max(pausedAt, 20));
  await app.page.screenshot({ path: `docs/screenshots/train-${app.mode}.png`, fullPage: true });

  await train.stopButton.click();
  await expect(train.status).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });

  await studio.goto('checkpoints');
  const checkpoints = new CheckpointsPage(app.page);
  await expect(checkpoints.rows.first()).toBeVisible();
  await expect(checkpoints.bestRows).toHaveCount(1);
  await app.page.screenshot({
    path: `docs/screenshots/checkpoints-${app.mode}.png`,
    fullPage: true,
  });
});
