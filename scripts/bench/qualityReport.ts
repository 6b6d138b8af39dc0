/**
 * quality.ts's scores and table: both hypothesis sets scored by the studio's evaluator
 * (main/eval, sacreBLEU's algorithm), the same sets by the real sacreBLEU when a Python has
 * it (scripts/bench/peer/torch_quality_sacrebleu.py), and the figures side by side.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusBleu, formatBleu, type BleuScore } from '../../main/eval/bleu';
import { ROOT } from './childRun';

const CHECKER = join(dirname(fileURLToPath(import.meta.url)), 'peer', 'torch_quality_sacrebleu.py');

/** One side's figures (undefined where that side has none). */
export interface SideFigures {
  label: string;
  steps?: number;
  targetTokens?: number;
  trainSeconds?: number;
  /** Teacher-forced cross-entropy per target token on the dataset's validation split, no smoothing. */
  validLoss?: number;
  /** What was decoded: a checkpoint id or "last weights". */
  decoded?: string;
  decodeSeconds?: number;
  hypotheses?: string[];
  /** Why this side has no figures. */
  failure?: string;
}

/** The independent scores, or why there are none. */
export type IndependentScores =
  | { version: string; systems: Record<string, { score: number; signature: string; line: string }> }
  | { error: string };

/** The studio's evaluator on one hypothesis set. */
export function studioBleu(
  hypotheses: readonly string[],
  references: readonly string[],
): BleuScore {
  return corpusBleu(hypotheses, [references]);
}

/** The real sacreBLEU on every set, through `python`; a sentence when it cannot run. */
export function independentBleu(
  python: string,
  references: readonly string[],
  systems: Record<string, readonly string[]>,
): IndependentScores {
  const r = spawnSync(python, [CHECKER], {
    cwd: ROOT,
    input: JSON.stringify({ refs: references, systems }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  if (r.error) return { error: `${python} cannot be run (${r.error.message})` };
  try {
    const parsed = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as IndependentScores;
    return parsed;
  } catch {
    return {
      error: `${python} ${CHECKER} failed: ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`,
    };
  }
}

const fmtInt = (n: number | undefined): string =>
  n === undefined ? '-' : n.toLocaleString('en-US');
const fmtNum = (n: number | undefined, digits: number): string =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);

/** The side-by-side table of the two trainings. */
export function figuresTable(sides: readonly SideFigures[], minutes: number): string {
  const rows: [string, (s: SideFigures) => string][] = [
    ['budget', () => `${minutes} min`],
    ['optimiser steps', (s) => fmtInt(s.steps)],
    ['target tokens trained', (s) => fmtInt(s.targetTokens)],
    ['training time (s)', (s) => fmtNum(s.trainSeconds, 0)],
    [
      'target tokens/s',
      (s) =>
        s.targetTokens !== undefined && s.trainSeconds
          ? fmtNum(s.targetTokens / s.trainSeconds, 0)
          : '-',
    ],
    ['valid CE per token (nats)', (s) => fmtNum(s.validLoss, 3)],
    ['decoded', (s) => s.decoded ?? '-'],
    ['decoding time (s)', (s) => fmtNum(s.decodeSeconds, 0)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  const cellOf = (s: SideFigures, cell: (s: SideFigures) => string): string =>
    s.failure ? '-' : cell(s);
  const col =
    Math.max(
      ...sides
        .flatMap((s) => [s.label, ...rows.map(([, cell]) => cellOf(s, cell))])
        .map((t) => t.length),
    ) + 3;
  const lines = [
    ''.padEnd(width) + sides.map((s) => s.label.padEnd(col)).join(''),
    ...rows.map(
      ([name, cell]) => name.padEnd(width) + sides.map((s) => cellOf(s, cell).padEnd(col)).join(''),
    ),
  ];
  lines.push(
    "training time: the studio's budget clock (its steps and the validation and checkpoints due",
    "during them; not the start-up or the averaging after the deadline); the peer's training loop.",
    'valid CE: teacher-forced cross-entropy without smoothing on the imported validation split,',
    "same tokenization on both sides; the studio's of the checkpoint it decoded.",
  );
  return lines.map((l) => l.trimEnd()).join('\n');
}

/** The score lines: the studio's evaluator on each set, then the independent check. */
export function scoreLines(
  sides: readonly SideFigures[],
  references: readonly string[],
  independent: IndependentScores | undefined,
): { lines: string[]; studio: Record<string, BleuScore> } {
  const lines: string[] = [];
  const studio: Record<string, BleuScore> = {};
  for (const side of sides) {
    if (side.hypotheses === undefined) {
      lines.push(`${side.label}: no hypotheses (${side.failure ?? 'not run'})`);
      continue;
    }
    const score = studioBleu(side.hypotheses, references);
    studio[side.label] = score;
    lines.push(`${side.label}, the studio's evaluator (main/eval):`, `  ${formatBleu(score)}`);
  }
  if (independent === undefined) return { lines, studio };
  if ('error' in independent) {
    lines.push(
      `No independent check: ${independent.error}. Give --sacrebleu-python PATH (a Python with \`pip install sacrebleu\`); the studio's BLEU matches sacreBLEU ${'2.6.0'} by its tests (main/eval).`,
    );
    return { lines, studio };
  }
  for (const [label, ours] of Object.entries(studio)) {
    const theirs = independent.systems[label];
    if (theirs === undefined) continue;
    const diff = Math.abs(theirs.score - ours.score);
    lines.push(
      `${label}, sacreBLEU ${independent.version} (independent, same hypotheses):`,
      `  BLEU|${theirs.signature} = ${theirs.line.replace(/^BLEU = /, '')}`,
      `  difference from the studio's evaluator: ${diff.toFixed(4)} BLEU${diff < 0.005 ? ' (the same to two decimals)' : ' (they DIFFER)'}; signatures ${theirs.signature === ours.signature ? 'identical' : `differ: ${ours.signature}`}`,
    );
  }
  return { lines, studio };
}
