import { expect, test } from './fixtures';
import { InsidePage, type InsideView } from './pages/InsidePage';
import { StudioPage } from './pages/StudioPage';
import { TrainPage } from './pages/TrainPage';

// A run trained by the CLI into the home the studio then opens.
test.use({ seedRun: { maxSteps: 80 } });

const SENTENCE = 'A man rides a bike down the street.';

test('Inside shows every view with the engine’s numbers for a trained tiny model', async ({
  app,
}) => {
  test.setTimeout(600_000);
  const page = app.page;
  const studio = new StudioPage(page);
  await studio.goto('playground');
  // The Playground links to Inside with its run, checkpoint and sentence.
  await page.getByTestId('translate-input').fill(SENTENCE);
  await page.getByTestId('pg-open-inside').click();
  await studio.screen('inside').waitFor();
  const inside = new InsidePage(page);
  await expect(inside.text).toHaveValue(SENTENCE);
  await inside.show.click();

  const shot = async (view: InsideView) => {
    await expect(inside.error).toHaveCount(0);
    await expect(inside.paper).toContainText('Paper');
    await expect(inside.explain).not.toBeEmpty();
    await page.screenshot({
      path: `docs/screenshots/inside-${view}-${app.mode}.png`,
      fullPage: true,
    });
  };

  // 2. Attention: tiny has 2 layers x 4 heads of each kind; weights are real rows summing to 1.
  await inside.open('insideAttention');
  for (const kind of ['encoder', 'decoderSelf', 'cross']) {
    await page.getByTestId(`att-kind-${kind}`).check();
    expect(await page.locator('[data-testid^="att-thumb-"]').count()).toBeGreaterThanOrEqual(4);
    await page.getByTestId('att-thumb-1-2').click();
    await expect(page.getByTestId('att-selected')).toHaveText('Layer 2, head 3');
    const weights = await inside.matrix('att-heatmap');
    expect(weights.length).toBeGreaterThan(1);
    for (const row of weights) {
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    }
    if (kind === 'decoderSelf') expect(weights[0]!.slice(1).every((w) => w === 0)).toBe(true);
  }
  await expect(page.getByTestId('head-view').locator('line').first()).toBeAttached();
  await shot('insideAttention');

  // 1. Embeddings: PE(0) is [0, 1, 0, 1, ...]; the table has a row per shown position.
  await inside.open('insideEmbeddings');
  expect(Number(await page.getByTestId('pe-table').getAttribute('data-rows'))).toBeGreaterThan(9);
  const numbers = await inside.matrix('emb-sum-numbers');
  expect(numbers.length).toBeGreaterThan(3);
  expect(numbers.flat().some((v) => v !== 0)).toBe(true);
  await shot('insideEmbeddings');

  // 3. Masks: sentence 2 of the batch is padded; the causal mask is 1 above the diagonal.
  await inside.open('insideMasks');
  const padding = await inside.matrix('mask-padding');
  expect(padding[0]!.every((v) => v === 0)).toBe(true);
  expect(padding[1]!.some((v) => v === 1)).toBe(true);
  const causal = await inside.matrix('mask-causal');
  expect(causal[0]![1]).toBe(1);
  expect(causal[1]![0]).toBe(0);
  const after = await inside.matrix('mask-dec-after');
  expect(after[0]![1]!).toBeLessThan(-1e8);
  await shot('insideMasks');

  // 4. Softmax: the unscaled rows are never flatter than the scaled ones.
  await inside.open('insideSoftmax');
  await expect(page.getByTestId('softmax-example')).toContainText('0.881');
  const scaled = await inside.matrix('softmax-scaled-weights');
  expect(scaled[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
  await shot('insideSoftmax');

  // 6. Token probabilities: a probability per step.
  await inside.open('insideTokenProbs');
  const p = Number(await page.getByTestId('tp-chosen-0').textContent());
  expect(p).toBeGreaterThan(0);
  expect(p).toBeLessThanOrEqual(1);
  await shot('insideTokenProbs');

  // 5. Beam tree: the n-best (width 4) beside greedy, nodes with fates.
  await inside.open('insideBeamTree');
  await expect(page.getByTestId('beam-hyp-0')).toBeVisible();
  await expect(page.getByTestId('beam-greedy')).toBeVisible();
  expect(await page.locator('[data-fate="finished"]').count()).toBeGreaterThan(0);
  await shot('insideBeamTree');

  // 7. Training signals: the lr schedule at the checkpoint's step, the smoothed target.
  await inside.open('insideTraining');
  await expect(page.getByTestId('tr-lr')).toContainText(/step \d+, lr \d/);
  await expect(page.getByTestId('tr-shift')).toContainText('<s>');
  await shot('insideTraining');

  // 8. KV cache: both ways give the same tokens, with measured times.
  await inside.open('insideKvCache');
  await expect(page.getByTestId('kv-same')).toHaveText('yes');
  expect(
    Number.parseFloat((await page.getByTestId('kv-cached-ms').textContent()) ?? ''),
  ).toBeGreaterThan(0);
  await shot('insideKvCache');

  // 9. Watch it learn: pinned sentences gain a row at each validation point of a short run.
  await studio.goto('train');
  const train = new TrainPage(page);
  await train.startRun({
    dataset: 'sample',
    preset: 'tiny',
    knobs: { maxSteps: 60, validEvery: 10, checkpointEvery: 30 },
  });
  await expect(train.status).toHaveAttribute('data-status', 'running');
  await studio.goto('inside');
  await inside.tab('watch').click();
  const running = page.getByTestId('in-run').locator('option', { hasText: 'running' }).first();
  await page.getByTestId('in-run').selectOption((await running.getAttribute('value')) ?? '');
  await page.getByTestId('watch-pins').fill('A dog runs.\nTwo women sing.');
  await page.getByTestId('watch-save').click();
  const rows = page.locator('[data-testid^="watch-row-"]');
  await expect.poll(() => rows.count(), { timeout: 240_000 }).toBeGreaterThanOrEqual(2);
  await expect(rows.first().locator('canvas')).toHaveCount(2);
  await page.screenshot({ path: `docs/screenshots/inside-watch-${app.mode}.png`, fullPage: true });
});
