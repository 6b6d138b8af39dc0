/**
 * The PyTorch peer of compare.ts (scripts/bench/peer/torch_transformer.py): whether it is
 * there, the job file it reads (the engine's exact batches and decoding sources), its command
 * line, and the one JSON object it prints on stdout.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Batch } from '../../main/training/batching';
import type { ModelConfig } from '../../shared/types';
import type { referenceCase } from './benchData';
import { ROOT } from './childRun';

const PEER = join(dirname(fileURLToPath(import.meta.url)), 'peer', 'torch_transformer.py');

/** The peer's training figures. */
export interface PeerTrain {
  params: number;
  steps: number;
  warmup: number;
  stepTokens: number[];
  msPerStep: number;
  tokensPerSec: number;
  cpuMsPerStep: number;
  cpuSecPer1kTokens: number;
  loss: number;
  rssBeforeMB: number;
  peakRssMB: number;
}

/** The figures of one decoding case (search and batch size). */
export interface DecodeFigures {
  search: string;
  batch: number;
  sentences: number;
  msPerSentence: number;
  cpuMsPerSentence: number;
  meanTargetTokens: number;
}

/** What the peer prints (one JSON object on stdout). */
export interface PeerResult {
  torch: string;
  blas: string;
  threads: number;
  ok?: boolean;
  error?: string;
  outOfMemory?: boolean;
  peakRssMB?: number;
  gemm?: { gflops: number; size: number; reps: number; bestMs: number };
  train?: PeerTrain;
  decode?: { cases: DecodeFigures[] };
}

/** The job file the peer reads: the engine's exact batches and decoding sources. */
export interface PeerJob {
  model: ModelConfig;
  train: ReturnType<typeof referenceCase>['train'];
  warmup: number;
  steps: number;
  batches: Batch[];
  decode?: { single: number[][]; batch: number[][]; margin: number; alpha: number };
}

/** Whether the peer can run, and with which torch and BLAS. */
export interface PeerInfo {
  available: boolean;
  reason?: string;
  torch?: string;
  blas?: string;
}

/**
 * Asks `python` for the peer's versions. One sentence when it is not there (the run then
 * measures the engine alone); a note in `notes` when its BLAS would make it look slow.
 */
export function findPeer(python: string, notes: string[]): PeerInfo {
  const r = spawnSync(python, [PEER, '--version'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const info = r.status === 0 ? parsePeer(r.stdout) : undefined;
  if (info !== undefined) {
    console.log(`peer: PyTorch ${info.torch} with ${info.blas} (${python})`);
    if (!/openblas|mkl|blis/i.test(info.blas)) {
      const note = `PyTorch's BLAS is ${info.blas}, not OpenBLAS: its figures are far below what it can do (apt-get install libopenblas0-pthread).`;
      notes.push(note);
      console.log(note);
    }
    return { available: true, torch: info.torch, blas: info.blas };
  }
  const err = `${r.error?.message ?? ''} ${r.stderr ?? ''}`;
  const reason = r.error
    ? `${python} cannot be run`
    : /No module named ['"]?torch/.test(err)
      ? `${python} has no torch module`
      : `the peer failed to start: ${err.trim().split('\n').pop() ?? ''}`;
  console.log(
    `PyTorch is not available (${reason}), so this run measures the engine alone; \`apt-get install python3-torch libopenblas0-pthread\` adds the comparison.`,
  );
  return { available: false, reason };
}

/** The peer's command line at `threads` threads, its data segment capped at `memMB`. */
export function peerArgs(threads: number, memMB: number, extra: string[]): string[] {
  return [PEER, '--threads', String(threads), '--mem-limit-mb', String(memMB), ...extra];
}

/** The peer's JSON: the last stdout line that is an object. */
export function parsePeer(stdout: string): PeerResult | undefined {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (line === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null ? (v as PeerResult) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a peer job; typed arrays (the batches) serialise as objects, the peer wants lists. */
export function writeJob(path: string, job: PeerJob): void {
  writeFileSync(
    path,
    JSON.stringify(job, (_k, value: unknown) =>
      ArrayBuffer.isView(value) ? Array.from(value as Int32Array) : value,
    ),
  );
}
