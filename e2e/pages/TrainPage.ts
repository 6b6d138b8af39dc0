/** Page object for the Train screen: new run form, run controls, progress and live charts. */
import type { Locator, Page } from '@playwright/test';

export type ChartName = 'train-loss' | 'valid-loss' | 'perplexity' | 'bleu' | 'lr' | 'tokens';

export class TrainPage {
  readonly datasetSelect: Locator;
  readonly nameInput: Locator;
  readonly configIssues: Locator;
  readonly estimateParams: Locator;
  readonly estimateMemory: Locator;
  readonly createAndStart: Locator;
  readonly createOnly: Locator;
  readonly createError: Locator;
  readonly noDatasets: Locator;
  readonly runPanel: Locator;
  readonly runSelect: Locator;
  /** Has data-status = created | running | paused | stopped | completed | failed. */
  readonly status: Locator;
  readonly step: Locator;
  readonly loss: Locator;
  /** role=progressbar, aria-valuenow 0..100. */
  readonly progress: Locator;
  readonly eta: Locator;
  readonly backend: Locator;
  readonly startButton: Locator;
  readonly pauseButton: Locator;
  readonly resumeButton: Locator;
  readonly stopButton: Locator;
  readonly runError: Locator;
  readonly actionError: Locator;
  readonly smoothing: Locator;
  readonly logScale: Locator;
  /** "New run…" at the top of the screen once a run exists; the form opens in a dialog. */
  readonly newRunOpen: Locator;
  readonly newRunDialog: Locator;
  readonly presetMatch: Locator;
  readonly stepTime: Locator;
  readonly totalTime: Locator;
  readonly timeSource: Locator;
  readonly intervalWarnings: Locator;

  constructor(readonly page: Page) {
    this.datasetSelect = page.getByTestId('train-dataset');
    this.nameInput = page.getByTestId('train-name');
    this.configIssues = page.getByTestId('config-issues');
    this.estimateParams = page.getByTestId('estimate-params');
    this.estimateMemory = page.getByTestId('estimate-memory');
    this.createAndStart = page.getByTestId('run-create-start');
    this.createOnly = page.getByTestId('run-create');
    this.createError = page.getByTestId('create-error');
    this.noDatasets = page.getByTestId('train-no-datasets');
    this.runPanel = page.getByTestId('run-panel');
    this.runSelect = page.getByTestId('run-select');
    this.status = page.getByTestId('run-status');
    this.step = page.getByTestId('run-step');
    this.loss = page.getByTestId('run-loss');
    this.progress = page.getByTestId('train-progress');
    this.eta = page.getByTestId('train-eta');
    this.backend = page.getByTestId('train-backend');
    this.startButton = page.getByTestId('run-start');
    this.pauseButton = page.getByTestId('run-pause');
    this.resumeButton = page.getByTestId('run-resume');
    this.stopButton = page.getByTestId('run-stop');
    this.runError = page.getByTestId('run-error');
    this.actionError = page.getByTestId('run-action-error');
    this.smoothing = page.getByTestId('chart-smoothing');
    this.logScale = page.getByTestId('chart-log');
    this.newRunOpen = page.getByTestId('new-run-open');
    this.newRunDialog = page.getByTestId('new-run-dialog');
    this.presetMatch = page.getByTestId('preset-match');
    this.stepTime = page.getByTestId('estimate-step-time');
    this.totalTime = page.getByTestId('estimate-total-time');
    this.timeSource = page.getByTestId('estimate-time-source');
    this.intervalWarnings = page.getByTestId('interval-warnings');
  }

  preset(name: 'tiny' | 'small' | 'base'): Locator {
    return this.page.getByTestId(`preset-${name}`);
  }

  /** A model or training knob input, by its config field name (dModel, heads, maxSteps, ...). */
  knob(field: string): Locator {
    return this.page.getByTestId(`knob-${field}`);
  }

  chart(name: ChartName): Locator {
    return this.page.getByTestId(`chart-${name}`);
  }

  /**
   * Clicks a chart's `index`-th drawn dot (dots show on curves of at most 15 points) where it
   * is drawn: the chart picks the point under the pointer, as its tooltip does.
   */
  async clickPoint(name: ChartName, index = 0): Promise<void> {
    const dot = this.chart(name).locator('.recharts-line-dots .recharts-line-dot').nth(index);
    const box = await dot.boundingBox();
    if (!box) throw new Error(`Chart ${name} draws no dot ${index}.`);
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  }

  /** The number of points a chart holds (non-smoothed series summed over shown runs). */
  async chartPoints(name: ChartName): Promise<number> {
    return Number(await this.page.getByTestId(`chart-${name}-points`).textContent());
  }

  chartPointsLocator(name: ChartName): Locator {
    return this.page.getByTestId(`chart-${name}-points`);
  }

  async progressValue(): Promise<number> {
    return Number(await this.progress.getAttribute('aria-valuenow'));
  }

  async currentStep(): Promise<number> {
    return Number((await this.step.textContent())?.replace(/[^\d]/g, ''));
  }

  /** Picks a dataset by its visible name and a preset, optionally overriding knobs, and starts. */
  async startRun(opts: {
    dataset: string;
    preset?: 'tiny' | 'small' | 'base';
    name?: string;
    knobs?: Record<string, number>;
  }): Promise<void> {
    await this.openNewRun();
    const option = this.datasetSelect.locator('option', { hasText: opts.dataset }).first();
    const value = await option.getAttribute('value');
    await this.datasetSelect.selectOption(value ?? '');
    await this.preset(opts.preset ?? 'tiny').click();
    if (opts.name) await this.nameInput.fill(opts.name);
    for (const [field, v] of Object.entries(opts.knobs ?? {})) {
      const input = this.knob(field);
      if (!(await input.isVisible()))
        await this.page.locator('details.knobs summary', { hasText: 'Training' }).click();
      await input.fill(String(v));
    }
    await this.createAndStart.click();
  }

  /** Shows the New run form: inline for a first run, else in its dialog. */
  async openNewRun(): Promise<void> {
    await this.datasetSelect.or(this.newRunOpen).first().waitFor();
    if (!(await this.datasetSelect.isVisible())) await this.newRunOpen.click();
    await this.datasetSelect.waitFor();
  }

  /** Overlays another run on the charts. */
  compare(runId: string): Locator {
    return this.page.getByTestId(`compare-${runId}`);
  }
}
