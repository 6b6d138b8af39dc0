/** Page object for the Evaluate screen: run, checkpoints, test files, progress and results. */
import type { Locator, Page } from '@playwright/test';
import { dropFilesOn } from './drop';

export class EvaluatePage {
  readonly runSelect: Locator;
  readonly checkpoints: Locator;
  readonly dropzone: Locator;
  readonly files: Locator;
  readonly mode: Locator;
  readonly start: Locator;
  readonly progress: Locator;
  readonly error: Locator;
  readonly results: Locator;
  readonly resultRows: Locator;
  readonly bleu: Locator;
  readonly bleuSignature: Locator;
  readonly chrfSignature: Locator;
  readonly sentenceBleu: Locator;

  constructor(readonly page: Page) {
    this.runSelect = page.getByTestId('eval-run');
    this.checkpoints = page.getByTestId('eval-checkpoints').locator('input[type="checkbox"]');
    this.dropzone = page.getByTestId('eval-dropzone');
    this.files = page.getByTestId('eval-files');
    this.mode = page.getByTestId('eval-mode');
    this.start = page.getByTestId('eval-start');
    this.progress = page.getByTestId('eval-progress');
    this.error = page.getByTestId('eval-error');
    this.results = page.getByTestId('eval-results');
    this.resultRows = page.getByTestId('eval-result-row');
    this.bleu = page.getByTestId('eval-bleu');
    this.bleuSignature = page.getByTestId('eval-bleu-signature');
    this.chrfSignature = page.getByTestId('eval-chrf-signature');
    this.sentenceBleu = page.getByTestId('eval-sentence-bleu');
  }

  async dropTestSet(src: string, ref: string): Promise<void> {
    await dropFilesOn(this.page, this.dropzone, [src, ref]);
  }

  download(checkpoint: string): Locator {
    return this.page.getByTestId(`eval-download-${checkpoint}`);
  }
}
