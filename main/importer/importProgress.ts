/**
 * Progress of one import, as the UI's bar and the CLI show it: the phase, lines and bytes
 * read, and a percentage. Reading (training files, then validation files) fills the first
 * 70%, by bytes; the later phases set their own share. Reports are at most one per 200 ms
 * unless forced (a phase change, the end).
 */
import type { ImportPhase, ImportProgress } from '../../shared/types';

const PROGRESS_INTERVAL_MS = 200;

/** The share of the bar that reading fills, by bytes read. */
const READING_PERCENT = 70;

export class ImportProgressReporter {
  /** Lines (pairs) read so far. */
  lines = 0;
  /** Bytes of the corpus files read so far. */
  bytes = 0;
  private percent = 0;
  private lastEmit = 0;

  constructor(
    private readonly totalBytes: number,
    private readonly onProgress: ((progress: ImportProgress) => void) | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sets the percentage of the phases after reading (tokenizer, stats, saving, done). */
  setPercent(percent: number): void {
    this.percent = percent;
  }

  /** Reports the phase, unless the last report was under 200 ms ago and `force` is not set. */
  emit(phase: ImportPhase, force = false): void {
    const now = this.now();
    if (!force && now - this.lastEmit < PROGRESS_INTERVAL_MS) return;
    this.lastEmit = now;
    if (phase === 'reading' || phase === 'validation')
      this.percent = this.totalBytes > 0 ? (READING_PERCENT * this.bytes) / this.totalBytes : 0;
    this.onProgress?.({
      phase,
      lines: this.lines,
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      percent: Math.min(100, Math.round(this.percent * 10) / 10),
    });
  }
}
