/**
 * `npm run bench:quality -- --minutes M`: quality per minute against PyTorch on Multi30k EN->DE.
 *
 * One after the other, never at the same time (both get the same wall-clock budget, so they
 * must not share the CPU):
 * 1. the studio: `train --minutes M` imports the corpus into a temporary studio home with the
 *    studio's importer (its own validation files: Multi30k val) and trains; `evaluate` decodes
 *    the validation sources with beam search from the checkpoint the budget run ends with;
 * 2. the peer (scripts/bench/peer/torch_quality.py): the studio's token ids of the same
 *    dataset in a job file, a model of the studio run's shape, its own recipe, M minutes, its
 *    own beam search; its ids are turned into text by the studio's tokenizer;
 * 3. both hypothesis sets scored by the studio's evaluator (main/eval), and by the real
 *    sacreBLEU when a Python has it. Figures are printed, never asserted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../shared/errors';
import { DECODE_DEFAULTS } from '../../shared/schema/decode';
import { PRESETS } from '../../shared/schema/presets';
import { ROOT, readJson } from './childRun';
import { lrFactorFor, parseQualityArgs, QUALITY_HELP, type QualitySettings } from './qualityArgs';
import {
  budgetSeconds,
  finalCheckpoint,
  readLines,
  runTokenizer,
  theRun,
  writePeerJob,
} from './qualityData';
import {
  figuresTable,
  independentBleu,
  scoreLines,
  type IndependentScores,
  type SideFigures,
} from './qualityReport';

const PEER = join(dirname(fileURLToPath(import.meta.url)), 'peer', 'torch_quality.py');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'main', 'host', 'cli.ts');

/** What the peer writes into its --out file. */
interface PeerOutput {
  torch: string;
  threads: number;
  params: number;
  steps: number;
  epochs: number;
  targetTokens: number;
  trainSeconds: number;
  tokensPerSec: number;
  lastLoss: number;
  validLoss: { perToken: number; perSentence: number; tokens: number; sentences: number };
  decodeSeconds: number;
  hypotheses: number[][];
}

/**
 * Runs a child to its end with both streams echoed line by line under `label`; resolves with
 * its exit code and stdout. A child still running after `timeoutMs` is killed.
 */
function run(
  command: string,
  args: string[],
  label: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; seconds: number }> {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const echo = (chunk: string, keep: boolean): void => {
      if (keep) stdout += chunk;
      for (const line of chunk.split('\n')) {
        if (line.trim() !== '') process.stdout.write(`  [${label}] ${line.replace(/\r/g, '')}\n`);
      }
    };
    child.stdout.setEncoding('utf8').on('data', (c: string) => echo(c, true));
    child.stderr.setEncoding('utf8').on('data', (c: string) => echo(c, false));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => echo(`${err.message}\n`, false));
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** Whether `python` has torch; a sentence saying why not otherwise. */
function peerMissing(python: string): string | undefined {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status === 0) return undefined;
  return r.error
    ? `${python} cannot be run`
    : `${python} has no torch (apt-get install python3-torch libopenblas0-pthread)`;
}

/** Trains and decodes the studio; its figures and hypotheses. */
async function studioSide(
  s: QualitySettings,
  home: string,
  files: { valSrc: string; valRef: string },
  budgetMs: number,
): Promise<SideFigures> {
  const dModel = PRESETS[s.preset].model.dModel;
  const lrFactor = lrFactorFor(s.peakLr, dModel, s.warmup);
  const backend = s.backend !== undefined ? ['--backend', s.backend] : [];
  const trainArgs = [
    CLI,
    'train',
    ...['--src', join(s.data, 'train.en.gz'), '--tgt', join(s.data, 'train.de.gz')],
    ...['--valid-src', join(s.data, 'val.en.gz'), '--valid-tgt', join(s.data, 'val.de.gz')],
    ...['--vocab', String(s.vocab), '--out', home, '--preset', s.preset, '--name', 'bench:quality'],
    ...['--minutes', String(s.minutes), '--batch-tokens', String(s.batchTokens)],
    ...['--warmup', String(s.warmup), '--lr-factor', lrFactor.toPrecision(6)],
    ...s.trainPassThrough,
    ...['--progress-every-ms', '15000', ...backend],
  ];
  console.log(
    `\n== studio: npm run train -- ${trainArgs.slice(2).join(' ')}\n   (peak lr ${s.peakLr} = lr-factor ${lrFactor.toPrecision(6)} · ${dModel}^-0.5 · ${s.warmup}^-0.5)`,
  );
  const trained = await run(TSX, trainArgs, 'studio train', budgetMs);
  if (trained.code !== 0) return { label: 'studio', failure: `train exited with ${trained.code}` };
  const { run: info, dir } = theRun(home);
  const checkpoint = await finalCheckpoint(dir);
  const hypFile = join(dirname(files.valSrc), 'studio.hyp');
  const evalArgs = [
    CLI,
    'evaluate',
    ...['--run', dir, '--src', files.valSrc, '--ref', files.valRef, '--out', hypFile],
    ...['--checkpoint', checkpoint.id, '--beam', String(s.beam), '--alpha', String(s.alpha)],
    ...backend,
  ];
  console.log(`\n== studio: npm run evaluate -- ${evalArgs.slice(2).join(' ')}`);
  const evaluated = await run(TSX, evalArgs, 'studio evaluate', budgetMs);
  if (evaluated.code !== 0) {
    return { label: 'studio', failure: `evaluate exited with ${evaluated.code}` };
  }
  const trainSeconds = await budgetSeconds(dir);
  const decodeSeconds = /sentences in ([\d.]+) s/.exec(evaluated.stdout)?.[1];
  return {
    label: 'studio',
    steps: info.step,
    ...(info.end?.tokensSeen !== undefined ? { targetTokens: info.end.tokensSeen } : {}),
    ...(trainSeconds !== undefined ? { trainSeconds } : {}),
    ...(checkpoint.validLoss !== undefined ? { validLoss: checkpoint.validLoss } : {}),
    decoded: `checkpoint ${checkpoint.id}`,
    ...(decodeSeconds !== undefined ? { decodeSeconds: Number(decodeSeconds) } : {}),
    hypotheses: readLines(hypFile),
  };
}

/** Trains and decodes the peer on the studio's token ids; its figures and hypotheses as text. */
async function peerSide(
  s: QualitySettings,
  home: string,
  tmp: string,
  sources: readonly string[],
  budgetMs: number,
): Promise<SideFigures> {
  const { run: info } = theRun(home);
  const tokenizer = runTokenizer(home, info);
  const jobFile = join(tmp, 'peer-job.json');
  const outFile = join(tmp, 'peer-out.json');
  const job = writePeerJob(jobFile, home, info, tokenizer, sources, {
    beam: s.beam,
    alpha: s.alpha,
    margin: DECODE_DEFAULTS.margin,
  });
  const args = [
    PEER,
    ...['--job', jobFile, '--out', outFile, '--minutes', String(s.minutes)],
    ...['--threads', String(s.threads), '--batch-tokens', String(s.peerBatchTokens)],
    ...['--warmup', String(s.peerWarmup), '--lr', String(s.peerLr)],
  ];
  console.log(
    `\n== peer: ${s.python} ${args.join(' ')}\n   (${job.train.src.length.toLocaleString('en-US')} training pairs as the studio's token ids, vocabulary ${job.vocabSize})`,
  );
  const r = await run(s.python, args, 'peer', budgetMs);
  const out = readJson<PeerOutput>(outFile);
  if (r.code !== 0 || out === undefined) {
    return { label: 'PyTorch peer', failure: `the peer exited with ${r.code}` };
  }
  return {
    label: 'PyTorch peer',
    steps: out.steps,
    targetTokens: out.targetTokens,
    trainSeconds: out.trainSeconds,
    validLoss: out.validLoss.perToken,
    decoded: 'last weights',
    decodeSeconds: out.decodeSeconds,
    hypotheses: out.hypotheses.map((ids) => tokenizer.decode(ids)),
  };
}

async function main(argv: string[]): Promise<number> {
  let s: QualitySettings | 'help';
  try {
    s = parseQualityArgs(argv);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
  if (s === 'help') {
    console.log(QUALITY_HELP);
    return 0;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'ts-quality-'));
  const home = join(tmp, 'home');
  try {
    const allSrc = readLines(join(s.data, 'val.en.gz'));
    const allRef = readLines(join(s.data, 'val.de.gz'));
    const n = s.validLimit > 0 ? Math.min(s.validLimit, allSrc.length) : allSrc.length;
    const sources = allSrc.slice(0, n);
    const references = allRef.slice(0, n);
    const files = { valSrc: join(tmp, 'val.en'), valRef: join(tmp, 'val.de') };
    writeFileSync(files.valSrc, sources.map((l) => `${l}\n`).join(''));
    writeFileSync(files.valRef, references.map((l) => `${l}\n`).join(''));
    // Generous: import, the budget, the final average and decoding all fit well inside it.
    const budgetMs = (s.minutes * 2 + 120) * 60_000;
    const missing = s.peer ? peerMissing(s.python) : 'not asked for (--no-peer)';
    console.log(
      `Quality per minute: Multi30k EN->DE from ${s.data}, ${s.minutes} min each, validation ${n} of ${allSrc.length} sentences, beam ${s.beam}, alpha ${s.alpha}; temporary home ${home}` +
        (missing !== undefined ? `\nNo PyTorch peer: ${missing}.` : ''),
    );
    const studio = await studioSide(s, home, files, budgetMs);
    const sides: SideFigures[] = [studio];
    if (missing === undefined && studio.failure === undefined) {
      sides.push(await peerSide(s, home, tmp, sources, budgetMs));
    }
    const systems: Record<string, string[]> = {};
    for (const side of sides) if (side.hypotheses) systems[side.label] = side.hypotheses;
    const independent: IndependentScores | undefined =
      Object.keys(systems).length > 0
        ? independentBleu(s.sacrebleuPython, references, systems)
        : undefined;
    const scores = scoreLines(sides, references, independent);
    console.log(`\n== results (${n} validation sentences, beam ${s.beam}, alpha ${s.alpha})`);
    console.log(figuresTable(sides, s.minutes));
    console.log('');
    console.log(scores.lines.join('\n'));
    for (const side of sides) {
      console.log(`\n${side.label}, first translations:`);
      for (let i = 0; i < Math.min(3, side.hypotheses?.length ?? 0); i++) {
        console.log(`  ${sources[i]}\n  -> ${side.hypotheses?.[i]}\n  ref ${references[i]}`);
      }
    }
    mkdirSync(dirname(s.out), { recursive: true });
    writeFileSync(
      s.out,
      JSON.stringify(
        {
          settings: s,
          sentences: n,
          sides,
          bleu: Object.fromEntries(
            Object.entries(scores.studio).map(([k, v]) => [
              k,
              { score: v.score, signature: v.signature },
            ]),
          ),
          independent,
        },
        null,
        1,
      ),
    );
    console.log(`\nFigures and hypotheses written to ${s.out}`);
    return 0;
  } catch (err) {
    console.error(err instanceof AppError ? err.message : err);
    return 1;
  } finally {
    if (s.keep) console.log(`Kept the temporary studio home: ${home}`);
    else if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
