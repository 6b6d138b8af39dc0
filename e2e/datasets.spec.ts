import { expect, SAMPLE, test } from './fixtures';
import { DatasetsPage } from './pages/DatasetsPage';
import { StudioPage } from './pages/StudioPage';

test('dropping two aligned files imports a dataset and shows its stats', async ({ app }) => {
  const studio = new StudioPage(app.page);
  await studio.goto('datasets');
  const datasets = new DatasetsPage(app.page);
  await expect(datasets.empty).toBeVisible();

  await datasets.dropFiles([SAMPLE.en, SAMPLE.de]);
  await expect(datasets.previewFormat).toContainText(/aligned/i);
  await expect(datasets.previewTable).toContainText('Der');
  await expect(datasets.previewProblem).toHaveCount(0);
  await datasets.vocabSize.fill('400');
  await datasets.importAs('sample en-de');

  await expect(datasets.row('sample en-de')).toBeVisible();
  const stats = await datasets.openStats('sample en-de');
  await expect(stats).toContainText('3,000'); // pairs read
  await expect(datasets.histogram('sample en-de', 'src')).toBeVisible();
  await expect(datasets.histogram('sample en-de', 'tgt')).toBeVisible();
  await app.page.screenshot({ path: `docs/screenshots/datasets-${app.mode}.png`, fullPage: true });
});
