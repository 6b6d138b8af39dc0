/** Page object for the studio shell and its engine panel. */
import type { Locator, Page } from '@playwright/test';

export class StudioPage {
  readonly enginePanel: Locator;
  readonly backend: Locator;
  readonly tfjsVersion: Locator;
  readonly rejections: Locator;
  readonly backendBadge: Locator;

  constructor(readonly page: Page) {
    this.enginePanel = page.getByTestId('engine-panel');
    this.backend = page.getByTestId('engine-backend');
    this.tfjsVersion = page.getByTestId('engine-tfjs');
    this.rejections = page.getByTestId('engine-rejections');
    this.backendBadge = page.getByTestId('backend-badge');
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }
}
