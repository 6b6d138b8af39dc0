import { expect, test } from './fixtures';
import { PlaygroundPage } from './pages/PlaygroundPage';
import { StudioPage } from './pages/StudioPage';

// A run trained by the CLI into the home the studio then opens.
test.use({ seedRun: { maxSteps: 80 } });

test('translating with greedy and beam search shows n-best, token probabilities and attention', async ({
  app,
}) => {
  const studio = new StudioPage(app.page);
  await studio.goto('playground');
  const playground = new PlaygroundPage(app.page);

  await playground.translateGreedy('The red dog sleeps in the garden.');
  await expect(playground.error).toHaveCount(0);
  await expect(playground.output).not.toBeEmpty();
  await expect(playground.tokenProb.first()).toBeVisible();
  await expect(playground.heatmap).toBeVisible();
  expect(await playground.heatmapCells.count()).toBeGreaterThan(10);
  await app.page.screenshot({
    path: `docs/screenshots/playground-${app.mode}.png`,
    fullPage: true,
  });

  await playground.translateBeam('Two small cats play on the beach.', {
    width: 4,
    alpha: 0.6,
    nbest: 3,
  });
  await expect(playground.error).toHaveCount(0);
  await expect(playground.nbestItems).toHaveCount(3);
  await playground.heatmapKind.selectOption('self');
  await expect(playground.heatmap).toBeVisible();
});
