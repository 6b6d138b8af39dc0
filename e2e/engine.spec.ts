import { expect, test } from './fixtures';
import { StudioPage } from './pages/StudioPage';

test('the studio in a browser shows the engine info that came from the worker', async ({
  page,
  studio,
}) => {
  const app = new StudioPage(page);
  await app.open(studio.url);
  // The sidebar badge is on every screen; the full panel lives on the Engine screen.
  await expect(app.backendBadge).toContainText('tfjs 4.22.0');
  await app.goto('engine');
  await expect(app.backend).toHaveText(/^(wasm|cpu)$/);
  await expect(app.tfjsVersion).toHaveText('4.22.0');
  await expect(app.rejections).toContainText('tensorflow-gpu');
  await expect(app.rejections).toContainText('tfjs-node');
  await expect(app.backendBadge).toContainText('tfjs 4.22.0');
  await page.screenshot({ path: 'docs/screenshots/engine.png' });
});
