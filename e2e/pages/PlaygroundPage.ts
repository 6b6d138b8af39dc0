/** Page object for the Playground screen: translate, n-best, token probabilities, heatmap. */
import type { Locator, Page } from '@playwright/test';

export class PlaygroundPage {
  readonly runSelect: Locator;
  readonly checkpointSelect: Locator;
  readonly input: Locator;
  readonly greedy: Locator;
  readonly beam: Locator;
  readonly beamSize: Locator;
  readonly alpha: Locator;
  readonly nbest: Locator;
  readonly translateButton: Locator;
  readonly output: Locator;
  readonly ms: Locator;
  readonly checkpoint: Locator;
  readonly nbestList: Locator;
  readonly nbestItems: Locator;
  readonly tokenProbs: Locator;
  readonly tokenProb: Locator;
  readonly error: Locator;
  readonly empty: Locator;
  /** The heatmap figure: data-rows / data-cols attributes, one svg rect per cell. */
  readonly heatmap: Locator;
  readonly heatmapCells: Locator;
  readonly heatmapKind: Locator;
  readonly heatmapLayer: Locator;
  readonly heatmapHead: Locator;

  constructor(readonly page: Page) {
    this.runSelect = page.getByTestId('pg-run');
    this.checkpointSelect = page.getByTestId('pg-checkpoint');
    this.input = page.getByTestId('translate-input');
    this.greedy = page.getByTestId('mode-greedy');
    this.beam = page.getByTestId('mode-beam');
    this.beamSize = page.getByTestId('beam-size');
    this.alpha = page.getByTestId('beam-alpha');
    this.nbest = page.getByTestId('beam-nbest');
    this.translateButton = page.getByTestId('translate-button');
    this.output = page.getByTestId('translation-output');
    this.ms = page.getByTestId('translation-ms');
    this.checkpoint = page.getByTestId('translation-checkpoint');
    this.nbestList = page.getByTestId('nbest-list');
    this.nbestItems = page.getByTestId('nbest-item');
    this.tokenProbs = page.getByTestId('token-probs');
    this.tokenProb = page.getByTestId('token-prob');
    this.error = page.getByTestId('translate-error');
    this.empty = page.getByTestId('playground-empty');
    this.heatmap = page.getByTestId('heatmap');
    this.heatmapCells = page.locator('[data-testid="heatmap"] rect.hm-cell');
    this.heatmapKind = page.getByTestId('heatmap-kind');
    this.heatmapLayer = page.getByTestId('heatmap-layer');
    this.heatmapHead = page.getByTestId('heatmap-head');
  }

  /** Greedy translation by the button (waits for the answer). */
  async translateGreedy(text: string): Promise<void> {
    await this.greedy.check({ force: true });
    await this.input.fill(text);
    await this.submit(() => this.translateButton.click());
  }

  /** Beam translation with Ctrl+Enter in the text box (waits for the answer). */
  async translateBeam(
    text: string,
    opts: { width?: number; alpha?: number; nbest?: number } = {},
  ): Promise<void> {
    await this.beam.check({ force: true });
    if (opts.width !== undefined) await this.beamSize.fill(String(opts.width));
    if (opts.alpha !== undefined) await this.alpha.fill(String(opts.alpha));
    if (opts.nbest !== undefined) await this.nbest.fill(String(opts.nbest));
    await this.input.fill(text);
    await this.submit(() => this.input.press('Control+Enter'));
  }

  /** Runs `go` and waits until that translate call has answered (a result or an error). */
  private async submit(go: () => Promise<void>): Promise<void> {
    const form = this.page.getByTestId('translate-form');
    const before = Number(await form.getAttribute('data-seq'));
    await go();
    await this.page.waitForFunction(
      (prev) => {
        // Runs in the page (DOM types are not in the e2e tsconfig).
        const doc = (
          globalThis as unknown as {
            document: {
              querySelector(s: string): { getAttribute(a: string): string | null } | null;
            };
          }
        ).document;
        return (
          Number(doc.querySelector('[data-testid="translate-form"]')?.getAttribute('data-seq')) >
          prev
        );
      },
      before,
      { timeout: 60_000 },
    );
  }
}
