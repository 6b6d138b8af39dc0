import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';
import { StudioPage } from './pages/StudioPage';

test.use({ seedRun: { maxSteps: 10 }, viewport: { width: 1024, height: 768 } });

/** Every visible select inside the panel that holds it. */
async function selectsFit(selects: Locator): Promise<void> {
  for (const select of await selects.all()) {
    if (!(await select.isVisible())) continue;
    const fits = await select.evaluate((el) => {
      const panel = el.closest('.panel') ?? document.body;
      const a = el.getBoundingClientRect();
      const b = panel.getBoundingClientRect();
      return a.left >= b.left - 1 && a.right <= b.right + 1;
    });
    expect(fits).toBe(true);
  }
}

test('at 1024 px the sidebar shrinks to icons, checkpoint ids and sizes stay on one line, selects fit', async ({
  app,
}) => {
  const page = app.page;
  const studio = new StudioPage(page);
  const sidebar = await page.locator('.sidebar').boundingBox();
  expect(sidebar?.width ?? 999).toBeLessThanOrEqual(80);
  await expect(studio.nav('checkpoints')).toHaveAttribute('title', 'Checkpoints');

  await studio.goto('checkpoints');
  const row = page.getByTestId('checkpoint-table').locator('tbody tr').first();
  await expect(row).toBeVisible();
  for (const cell of [
    row.locator('td').nth(2),
    row.getByTestId('checkpoint-step'),
    row.locator('td').nth(6),
  ]) {
    // One line: the text's box is less than two lines high (the row itself may be taller).
    const oneLine = await cell.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const style = getComputedStyle(el);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.45;
      return range.getBoundingClientRect().height < line * 1.6;
    });
    expect(oneLine).toBe(true);
  }
  await selectsFit(page.locator('select'));

  await studio.goto('train');
  await selectsFit(page.locator('select'));
  await page.screenshot({ path: `docs/screenshots/narrow-${app.mode}.png`, fullPage: true });
});
