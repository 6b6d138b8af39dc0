/** Page object for the Checkpoints screen. */
import type { Locator, Page } from '@playwright/test';

export class CheckpointsPage {
  readonly runSelect: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  /** The row(s) of the best checkpoint (starred). */
  readonly bestRows: Locator;
  readonly averageButton: Locator;
  readonly message: Locator;
  readonly exportPath: Locator;
  readonly error: Locator;
  readonly none: Locator;
  readonly empty: Locator;
  readonly importPath: Locator;
  readonly importSubmit: Locator;
  readonly importInput: Locator;

  constructor(readonly page: Page) {
    this.runSelect = page.getByTestId('ckpt-run-select');
    this.table = page.getByTestId('checkpoint-table');
    this.rows = page.getByTestId('checkpoint-row');
    this.bestRows = page.locator('[data-testid="checkpoint-row"][data-best="true"]');
    this.averageButton = page.getByTestId('checkpoints-average');
    this.message = page.getByTestId('checkpoint-message');
    this.exportPath = page.getByTestId('checkpoint-export-path');
    this.error = page.getByTestId('checkpoints-error');
    this.none = page.getByTestId('checkpoints-none');
    this.empty = page.getByTestId('checkpoints-empty');
    this.importPath = page.getByTestId('checkpoint-import-path');
    this.importSubmit = page.getByTestId('checkpoint-import-submit');
    this.importInput = page.getByTestId('checkpoint-import-input');
  }

  row(id: string): Locator {
    return this.page.locator(`[data-testid="checkpoint-row"][data-checkpoint-id="${id}"]`);
  }

  async steps(): Promise<number[]> {
    return (await this.page.getByTestId('checkpoint-step').allTextContents()).map(Number);
  }

  async average(ids: string[]): Promise<void> {
    for (const id of ids) await this.row(id).getByTestId('checkpoint-select').check();
    await this.averageButton.click();
  }

  async export(id: string): Promise<string> {
    await this.row(id).getByTestId('checkpoint-export').click();
    await this.exportPath.waitFor();
    return (await this.exportPath.textContent()) ?? '';
  }

  async delete(id: string): Promise<void> {
    const row = this.row(id);
    await row.getByTestId('checkpoint-delete').click();
    await row.getByTestId('checkpoint-delete-confirm').click();
  }

  async openInPlayground(id: string): Promise<void> {
    await this.row(id).getByTestId('checkpoint-open').click();
  }

  /** Imports a .tstudio file by its path on the studio machine. */
  async importByPath(path: string): Promise<void> {
    await this.importPath.fill(path);
    await this.importSubmit.click();
  }

  /** Imports a .tstudio file through the file picker (uploaded in web mode). */
  async importFile(path: string): Promise<void> {
    await this.importInput.setInputFiles(path);
  }
}
