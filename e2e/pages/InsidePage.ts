/** Page object for the Inside screen: the sentence, the view tabs, and each view's figures. */
import { expect, type Locator, type Page } from '@playwright/test';

export type InsideView =
  | 'insideEmbeddings'
  | 'insideAttention'
  | 'insideMasks'
  | 'insideSoftmax'
  | 'insideTokenProbs'
  | 'insideBeamTree'
  | 'insideTraining'
  | 'insideKvCache'
  | 'watch';

export class InsidePage {
  readonly text: Locator;
  readonly show: Locator;
  /** The open view's panel: data-view, data-busy and data-seq (finished calls). */
  readonly view: Locator;
  readonly error: Locator;
  readonly paper: Locator;
  readonly explain: Locator;

  constructor(readonly page: Page) {
    this.text = page.getByTestId('in-text');
    this.show = page.getByTestId('in-show');
    this.view = page.getByTestId('inside-view');
    this.error = page.getByTestId('inside-error');
    this.paper = page.getByTestId('inside-paper');
    this.explain = page.getByTestId('inside-explain');
  }

  tab(view: InsideView): Locator {
    return this.page.getByTestId(`inside-tab-${view}`);
  }

  /** Opens a view and waits until the engine has answered it (or failed). */
  async open(view: InsideView): Promise<void> {
    await this.tab(view).click();
    await expect(this.view).toHaveAttribute('data-view', view);
    await expect(this.view).toHaveAttribute('data-busy', 'false', { timeout: 120_000 });
  }

  /** The numbers of an SVG matrix's cells, row by row. */
  async matrix(testId: string): Promise<number[][]> {
    const figure = this.page.getByTestId(testId);
    const cols = Number(await figure.getAttribute('data-cols'));
    const values = await figure
      .locator('rect.in-cell')
      .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))));
    const rows: number[][] = [];
    for (let i = 0; i < values.length; i += cols) rows.push(values.slice(i, i + cols));
    return rows;
  }
}
