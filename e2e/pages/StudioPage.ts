/** Page object for the studio shell (sidebar, screens) and its engine panel. */
import type { Locator, Page } from '@playwright/test';

export type ScreenName =
  'datasets' | 'train' | 'checkpoints' | 'playground' | 'engine' | 'inside' | 'evaluate';

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

  /** The sidebar button of a screen. */
  nav(screen: ScreenName): Locator {
    return this.page.getByTestId(`nav-${screen}`);
  }

  /** The main area while `screen` is shown. */
  screen(screen: ScreenName): Locator {
    return this.page.getByTestId(`screen-${screen}`);
  }

  async goto(screen: ScreenName): Promise<void> {
    await this.nav(screen).click();
    await this.screen(screen).waitFor();
  }

  /** Ctrl+1..5 (the desktop shortcut; Meta on macOS). */
  async shortcut(n: 1 | 2 | 3 | 4 | 5): Promise<void> {
    await this.page.keyboard.press(`${process.platform === 'darwin' ? 'Meta' : 'Control'}+${n}`);
  }
}
