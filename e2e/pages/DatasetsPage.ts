/** Page object for the Datasets screen: drop / pick files, preview, import, list and stats. */
import type { Locator, Page } from '@playwright/test';
import { dropFilesOn } from './drop';

export class DatasetsPage {
  readonly dropzone: Locator;
  readonly fileInput: Locator;
  readonly pathsInput: Locator;
  readonly pathsPreview: Locator;
  readonly uploadStatus: Locator;
  /** The upload or preview call itself failed (its sentence). */
  readonly previewError: Locator;
  readonly importPanel: Locator;
  readonly previewFormat: Locator;
  readonly previewTable: Locator;
  /** Problems found in the data (each ErrorData.message in a `preview-problem`). */
  readonly previewProblems: Locator;
  readonly previewProblem: Locator;
  readonly nameInput: Locator;
  readonly vocabSize: Locator;
  readonly validFraction: Locator;
  readonly importButton: Locator;
  /** The check of every line under the preview: its summary and a vocabulary shortfall. */
  readonly checkSummary: Locator;
  readonly vocabShortfall: Locator;
  readonly langUnsetNote: Locator;
  readonly cancelButton: Locator;
  readonly importProgress: Locator;
  readonly importPhase: Locator;
  readonly importError: Locator;
  readonly importDone: Locator;
  readonly list: Locator;
  readonly rows: Locator;
  readonly empty: Locator;
  readonly actionError: Locator;

  constructor(readonly page: Page) {
    this.dropzone = page.getByTestId('dropzone');
    this.fileInput = page.getByTestId('dropzone-input');
    this.pathsInput = page.getByTestId('dataset-paths');
    this.pathsPreview = page.getByTestId('dataset-paths-preview');
    this.uploadStatus = page.getByTestId('upload-status');
    this.previewError = page.getByTestId('preview-error');
    this.importPanel = page.getByTestId('import-panel');
    this.previewFormat = page.getByTestId('preview-format');
    this.previewTable = page.getByTestId('preview-table');
    this.previewProblems = page.getByTestId('preview-problems');
    this.previewProblem = page.getByTestId('preview-problem');
    this.nameInput = page.getByTestId('opt-name');
    this.vocabSize = page.getByTestId('opt-vocab-size');
    this.validFraction = page.getByTestId('opt-valid-fraction');
    this.importButton = page.getByTestId('import-button');
    this.checkSummary = page.getByTestId('corpus-check-summary');
    this.vocabShortfall = page.getByTestId('vocab-shortfall');
    this.langUnsetNote = page.getByTestId('lang-unset-note');
    this.cancelButton = page.getByTestId('import-cancel');
    this.importProgress = page.getByTestId('import-progress');
    this.importPhase = page.getByTestId('import-phase');
    this.importError = page.getByTestId('import-error');
    this.importDone = page.getByTestId('import-done');
    this.list = page.getByTestId('dataset-list');
    this.rows = page.getByTestId('dataset-row');
    this.empty = page.getByTestId('datasets-empty');
    this.actionError = page.getByTestId('dataset-action-error');
  }

  /**
   * A real drop: the files' bytes become File objects in a DataTransfer dispatched as
   * dragenter / dragover / drop on the drop zone (in web mode the page then uploads them).
   */
  async dropFiles(paths: string[]): Promise<void> {
    await dropFilesOn(this.page, this.dropzone, paths);
  }

  /** The file-picker path (same upload as a drop). */
  async pickFiles(paths: string[]): Promise<void> {
    await this.fileInput.setInputFiles(paths);
  }

  /** Files already on the studio machine, by path (one, or two aligned). */
  async previewPaths(paths: string[]): Promise<void> {
    await this.pathsInput.fill(paths.join(', '));
    await this.pathsPreview.click();
  }

  /** Imports what is previewed (optionally renamed) and waits until it is listed. */
  async importAs(name?: string): Promise<void> {
    await this.previewFormat.waitFor();
    if (name !== undefined) await this.nameInput.fill(name);
    await this.importButton.click();
    await this.importDone.waitFor({ timeout: 120_000 });
  }

  row(name: string): Locator {
    return this.rows.filter({
      has: this.page.getByTestId('dataset-name').getByText(name, { exact: true }),
    });
  }

  /** Expands a dataset's card; its stats and histograms appear inside. */
  async openStats(name: string): Promise<Locator> {
    const row = this.row(name);
    const stats = row.getByTestId('dataset-stats');
    if (!(await stats.isVisible())) await row.getByTestId('dataset-toggle').click();
    await stats.waitFor();
    return stats;
  }

  statsTrainPairs(name: string): Locator {
    return this.row(name).getByTestId('stats-train-pairs');
  }

  histogram(name: string, side: 'src' | 'tgt'): Locator {
    return this.row(name).getByTestId(`histogram-${side}`);
  }

  async rename(name: string, to: string): Promise<void> {
    const row = this.row(name);
    await row.getByTestId('dataset-rename').click();
    await row.getByTestId('dataset-rename-input').fill(to);
    await row.getByTestId('dataset-rename-save').click();
  }

  /** Delete with confirmation; with `force`, confirms "delete anyway" when runs use it. */
  async delete(name: string, force = false): Promise<void> {
    const row = this.row(name);
    await row.getByTestId('dataset-delete').click();
    await row.getByTestId('dataset-delete-confirm').click();
    if (force) {
      await row.getByTestId('dataset-delete-force').click();
      await row.getByTestId('dataset-delete-force-confirm').click();
    }
  }
}
