/**
 * Evaluation of checkpoints on a test set for the Evaluate screen: reads the two test
 * files, has the engine worker translate them with each checkpoint (translateMany, as
 * `npm run evaluate` does), scores every checkpoint (evaluationScores.ts) and reports
 * progress with an ETA. One evaluation at a time: the engine has one model warm.
 */
import * as fsp from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError, ErrorCode } from '../../../shared/errors';
import {
  MAX_TEST_SENTENCES,
  type CheckpointEvaluation,
  type EvaluateProgress,
  type EvaluationResult,
} from '../../../shared/evaluation';
import type { CallArgs } from '../../../shared/api';
import { DECODE_DEFAULTS } from '../../../shared/schema/decode';
import type { EngineHost } from '../EngineHost';
import { tokenizerPathFor } from './checkpoints';
import { scoreTestSet } from './evaluationScores';
import type { RunsService } from './runs';

/** The lines of a UTF-8 text file; a final empty line (the file's last newline) is not one. */
export async function readTestLines(path: string, what: 'source' | 'reference'): Promise<string[]> {
  const name = basename(path);
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(path);
  } catch (err) {
    throw new AppError(
      ErrorCode.FileUnreadable,
      `The ${what} file ${name} cannot be read (${(err as Error).message}); check it and drop it again.`,
      { file: name },
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new AppError(
      ErrorCode.CorpusEncoding,
      `The ${what} file ${name} is not UTF-8 text; save it as UTF-8 and drop it again.`,
      { file: name },
    );
  }
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) {
    throw new AppError(ErrorCode.CorpusEmpty, `The ${what} file ${name} is empty.`, {
      file: name,
    });
  }
  return lines;
}

/** The source and reference lines of a test set, checked to be aligned and of a size the page can hold. */
export async function readTestSet(
  src: string,
  ref: string,
): Promise<{ sources: string[]; references: string[] }> {
  const [sources, references] = await Promise.all([
    readTestLines(src, 'source'),
    readTestLines(ref, 'reference'),
  ]);
  if (sources.length !== references.length) {
    throw new AppError(
      ErrorCode.CorpusLineCountMismatch,
      `${basename(src)} has ${sources.length.toLocaleString('en-US')} lines but ${basename(ref)} has ${references.length.toLocaleString('en-US')}; a test set is two files aligned line by line.`,
    );
  }
  if (sources.length > MAX_TEST_SENTENCES) {
    throw new AppError(
      ErrorCode.InvalidArgument,
      `The test set has ${sources.length.toLocaleString('en-US')} sentences; the studio evaluates at most ${MAX_TEST_SENTENCES.toLocaleString('en-US')} at once (use npm run evaluate for more).`,
    );
  }
  return { sources, references };
}

export class EvaluationService {
  private running: string | undefined;

  constructor(
    private readonly home: string,
    private readonly runs: RunsService,
    private readonly engine: EngineHost,
    private readonly onProgress: (p: EvaluateProgress) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Translates and scores the test set with each checkpoint, in the order given. */
  async evaluate(input: CallArgs<'evaluate'>): Promise<EvaluationResult> {
    if (this.running !== undefined) {
      throw new AppError(
        ErrorCode.Busy,
        'An evaluation is running; wait for it to finish before starting another.',
      );
    }
    this.running = input.evalId;
    try {
      return await this.run(input);
    } finally {
      this.running = undefined;
    }
  }

  private async run(input: CallArgs<'evaluate'>): Promise<EvaluationResult> {
    const run = await this.runs.get(input.runId);
    const { sources, references } = await readTestSet(input.src, input.ref);
    const all = await this.runs.checkpoints(run.id);
    if (all.length === 0) {
      throw new AppError(
        ErrorCode.NotFound,
        `Run "${run.name}" has no checkpoint yet; train it until its first checkpoint, then evaluate.`,
      );
    }
    const ids: string[] = [];
    for (const c of input.checkpoints) {
      const { id } = await this.runs.resolveCheckpoint(run.id, c);
      if (!all.some((x) => x.id === id)) {
        throw new AppError(
          ErrorCode.NotFound,
          `Run "${run.name}" has no checkpoint ${c}; it has ${all.map((x) => x.id).join(', ')}.`,
        );
      }
      if (!ids.includes(id)) ids.push(id);
    }
    const info = await this.engine.start();
    const tokenizerPath = await tokenizerPathFor(this.home, run);
    const decode = { mode: input.mode, beamSize: input.beamSize, alpha: input.alpha };
    const total = sources.length * ids.length;
    const started = this.now();
    const results: CheckpointEvaluation[] = [];
    for (const [index, checkpoint] of ids.entries()) {
      const before = index * sources.length;
      const report = (done: number): void => {
        const overall = before + done;
        const elapsed = (this.now() - started) / 1000;
        this.onProgress({
          evalId: input.evalId,
          checkpoint,
          index,
          of: ids.length,
          done: overall,
          total,
          ...(overall > 0 ? { etaSec: (elapsed / overall) * (total - overall) } : {}),
        });
      };
      report(0);
      const off = this.engine.onEvent((e) => {
        if (e.type === 'translateProgress') report(e.done);
      });
      const t0 = this.now();
      let out;
      try {
        out = await this.engine.call('translateMany', {
          runDir: this.runs.runDir(run.id),
          tokenizerPath,
          checkpoint,
          texts: sources,
          ...decode,
          nbest: 1,
          margin: DECODE_DEFAULTS.margin,
          cache: DECODE_DEFAULTS.cache,
        });
      } finally {
        off();
      }
      const hypotheses = out.translations.map((t) => t.hypotheses[0]?.text ?? '');
      results.push({
        checkpoint,
        step: all.find((c) => c.id === checkpoint)?.step ?? 0,
        ...scoreTestSet(sources, references, hypotheses),
        truncated: out.truncated,
        seconds: (this.now() - t0) / 1000,
      });
      report(sources.length);
    }
    return {
      evalId: input.evalId,
      runId: run.id,
      src: basename(input.src),
      ref: basename(input.ref),
      decode,
      backend: info.backend,
      results,
    };
  }
}
