import { expect, test } from './fixtures';
import { StudioPage } from './pages/StudioPage';

test('the studio shows the engine info that came from the worker', async ({ app }) => {
  const studio = new StudioPage(app.page);
  await expect(studio.backendBadge).toContainText('tfjs 4.22.0');
  await studio.goto('engine');
  await expect(studio.backend).toHaveText(/^(wasm|cpu|tensorflow|tensorflow-gpu)$/);
  await expect(studio.tfjsVersion).toHaveText('4.22.0');
  if (app.mode === 'web') {
    // Here no native backend installs: both are listed with their reason.
    await expect(studio.rejections).toContainText('tensorflow-gpu');
    await expect(studio.rejections).toContainText('tfjs-node');
  }
  await expect(studio.backendBadge).toContainText('tfjs 4.22.0');
  await app.page.screenshot({ path: `docs/screenshots/engine-${app.mode}.png` });
});
