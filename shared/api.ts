/**
 * The contract between the renderer and the main process: every call and every event.
 * Both ends are derived from it: the preload / WebSocket client on one side, main/ipc.ts and
 * main/host/web on the other. Inputs are validated with zod where they arrive (main); outputs are
 * typed. Calls resolve to the output or reject with an AppError (they cross as a Result).
 */
import { z } from 'zod';
import { AppError, ErrorCode, type Result } from './errors';
import type {
  CheckpointInfo,
  DatasetMeta,
  DatasetStats,
  EngineInfo,
  EngineStatus,
  ImportProgress,
  MetricRecord,
  RunInfo,
  TrainProgress,
  Translation,
} from './types';
import type { CorpusCheck } from './corpusCheck';
import { evaluateInputSchema, type EvaluateProgress, type EvaluationResult } from './evaluation';
import type { DatasetPreview } from './preview';
import { INSIDE_CALLS, WATCH_CALLS } from './inside';
import { translateRequestSchema } from './schema/decode';
import { importOptionsSchema } from './schema/importOptions';
import { modelShapeOverridesSchema } from './schema/model';
import { PRESET_NAMES } from './schema/presets';
import { resumeOverridesSchema, trainOverridesSchema } from './schema/train';

export { importOptionsSchema };

/** One call: the zod schema of its input, and (a phantom) its output type. */
export interface CallSpec<I extends z.ZodType, O> {
  input: I;
  /** Never read at run time: carries the output type. */
  output?: () => O;
}

function call<O>(): CallSpec<z.ZodVoid, O>;
function call<O, I extends z.ZodType>(input: I): CallSpec<I, O>;
function call(input?: z.ZodType): CallSpec<z.ZodType, unknown> {
  return { input: input ?? z.void() };
}

const id = z.string().min(1).max(200);
const paths = z.array(z.string().min(1)).min(1).max(2);
const importOptions = importOptionsSchema.optional();
const previewInput = z.object({ files: paths, options: importOptions });
const importInput = z.object({ importId: id, files: paths, options: importOptions });
const checkInput = z.object({ checkId: id, files: paths, options: importOptions });
const runCreateInput = z.object({
  datasetId: id,
  name: z.string().min(1).max(200).optional(),
  preset: z.enum(PRESET_NAMES),
  /** Model knobs on top of the preset's, each within its range (shared/schema/model.ts). */
  model: modelShapeOverridesSchema.optional(),
  train: trainOverridesSchema.optional(),
});
const runStartInput = z.object({
  runId: id,
  overrides: resumeOverridesSchema.optional(),
  fromScratch: z.boolean().optional(),
});

export const CALLS = {
  // -- engine
  /** The backend the engine worker picked, its tfjs version and why better ones were not taken. */
  engineInfo: call<EngineInfo>(),
  /** The engine worker's state: starting, ready, busy, crashed. */
  engineStatus: call<EngineStatus>(),

  // -- datasets
  datasetsList: call<DatasetMeta[]>(),
  datasetStats: call<DatasetStats, z.ZodObject<{ id: typeof id }>>(z.object({ id })),
  /** What dropped files look like before importing: format, columns, languages, first pairs, problems. */
  datasetPreview: call<DatasetPreview, typeof previewInput>(previewInput),
  /**
   * The import's checks over every line of the files, writing nothing (progress as
   * `importProgress` events under `checkId`; datasetCancelImport with it cancels).
   */
  datasetCheck: call<CorpusCheck, typeof checkInput>(checkInput),
  /** Imports (progress as `importProgress` events); resolves with the stored dataset. */
  datasetImport: call<DatasetMeta, typeof importInput>(importInput),
  datasetCancelImport: call<boolean, z.ZodObject<{ importId: typeof id }>>(
    z.object({ importId: id }),
  ),
  datasetRename: call<DatasetMeta, z.ZodType<{ id: string; name: string }>>(
    z.object({ id, name: z.string().min(1).max(200) }),
  ),
  datasetDelete: call<void, z.ZodType<{ id: string; force?: boolean }>>(
    z.object({ id, force: z.boolean().optional() }),
  ),
  /**
   * Web mode: a browser cannot name a path on the server, so it uploads the file in chunks
   * (base64); the answer carries the server-side path to pass to preview/import.
   */
  uploadFile: call<
    { uploadId: string; path?: string },
    z.ZodType<{ uploadId?: string; name: string; chunk: string; last: boolean }>
  >(
    z.object({
      uploadId: id.optional(),
      name: z.string().min(1).max(255),
      chunk: z.string(),
      last: z.boolean(),
    }),
  ),

  // -- runs and training
  runsList: call<RunInfo[]>(),
  runCreate: call<RunInfo, typeof runCreateInput>(runCreateInput),
  /**
   * Starts a created run, or resumes a stopped/failed one from its newest good checkpoint;
   * damaged checkpoints are set aside and named in the 'resumed' history entry. When none
   * can be resumed it refuses, unless `fromScratch` (then it trains again from step 0).
   */
  runStart: call<RunInfo, typeof runStartInput>(runStartInput),
  runPause: call<RunInfo, z.ZodObject<{ runId: typeof id }>>(z.object({ runId: id })),
  runResume: call<RunInfo, z.ZodObject<{ runId: typeof id }>>(z.object({ runId: id })),
  /** Stops after the current step and writes a checkpoint. */
  runStop: call<RunInfo, z.ZodObject<{ runId: typeof id }>>(z.object({ runId: id })),
  runDelete: call<void, z.ZodObject<{ runId: typeof id }>>(z.object({ runId: id })),
  /** Every metric record of a run (metrics.jsonl), decimated to at most `maxPoints` per kind. */
  runMetrics: call<MetricRecord[], z.ZodType<{ runId: string; maxPoints?: number }>>(
    z.object({ runId: id, maxPoints: z.number().int().min(10).optional() }),
  ),

  // -- checkpoints
  checkpointsList: call<CheckpointInfo[], z.ZodObject<{ runId: typeof id }>>(
    z.object({ runId: id }),
  ),
  checkpointsAverage: call<CheckpointInfo, z.ZodType<{ runId: string; ids: string[] }>>(
    z.object({ runId: id, ids: z.array(id).min(2) }),
  ),
  checkpointDelete: call<void, z.ZodType<{ runId: string; id: string }>>(
    z.object({ runId: id, id }),
  ),
  /** Writes one .tstudio file (model + configs + tokenizer); returns its path. */
  checkpointExport: call<{ path: string }, z.ZodType<{ runId: string; id: string; path?: string }>>(
    z.object({ runId: id, id, path: z.string().min(1).optional() }),
  ),
  /** Imports a .tstudio file as a new run. */
  checkpointImport: call<RunInfo, z.ZodType<{ path: string; name?: string }>>(
    z.object({ path: z.string().min(1), name: z.string().min(1).max(200).optional() }),
  ),
  /**
   * Writes a Hugging Face MarianMT folder (config.json, model.safetensors, tokenizer.json,
   * README.md); returns its path, or in web mode the path of its .zip for the download.
   */
  checkpointExportHf: call<
    { path: string },
    z.ZodType<{ runId: string; id: string; path?: string }>
  >(z.object({ runId: id, id, path: z.string().min(1).optional() })),
  /**
   * Imports a Hugging Face MarianMT folder as a new run at step 0; with `datasetId`, starting
   * (resuming) the run fine-tunes it on that dataset, tokenized with the model's tokenizer.
   */
  checkpointImportHf: call<RunInfo, z.ZodType<{ path: string; name?: string; datasetId?: string }>>(
    z.object({
      path: z.string().min(1),
      name: z.string().min(1).max(200).optional(),
      datasetId: id.optional(),
    }),
  ),

  // -- evaluate
  /**
   * Translates a test set with each named checkpoint and scores it (BLEU, chrF, per
   * sentence); progress as `evaluateProgress` events. One evaluation at a time.
   */
  evaluate: call<EvaluationResult, typeof evaluateInputSchema>(evaluateInputSchema),

  // -- playground
  translate: call<Translation, typeof translateRequestSchema>(translateRequestSchema),

  // -- inside (shared/inside.ts): one call per view of the Inside screen
  ...INSIDE_CALLS,
  ...WATCH_CALLS,
} as const;

export type CallName = keyof typeof CALLS;
/** What a caller sends: fields with a default may be left out. */
export type CallInput<K extends CallName> = z.input<(typeof CALLS)[K]['input']>;
/** What a handler receives: the input as its schema parsed it, every default filled in. */
export type CallArgs<K extends CallName> = z.output<(typeof CALLS)[K]['input']>;
export type CallOutput<K extends CallName> = ReturnType<NonNullable<(typeof CALLS)[K]['output']>>;

/** Events main pushes to the renderer (throttled summaries; full detail stays on disk). */
export interface EventMap {
  engineStatus: EngineStatus;
  importProgress: ImportProgress & { importId: string };
  /** A few a second while a run trains. */
  trainProgress: TrainProgress;
  /** Validation and BLEU records as they are written (training records come as trainProgress). */
  metric: { runId: string; record: MetricRecord };
  /** A run's status changed (started, paused, stopped, completed, failed). */
  runStatus: RunInfo;
  /** A checkpoint was written or deleted. */
  checkpoints: { runId: string };
  /** An evaluation's progress (sentences translated, ETA). */
  evaluateProgress: EvaluateProgress;
  /** A native menu item or its shortcut was used (desktop app only). */
  menu: MenuAction;
}

export type ScreenName =
  'datasets' | 'train' | 'checkpoints' | 'playground' | 'engine' | 'inside' | 'evaluate';

/** What the desktop app's menu asks the renderer to do. */
export type MenuAction =
  | { action: 'navigate'; screen: ScreenName }
  /** Files chosen in the native open dialog, to preview for import. */
  | { action: 'importFiles'; paths: string[] }
  | { action: 'newRun' };

export type EventName = keyof EventMap;

export const CALL_NAMES = Object.keys(CALLS) as CallName[];
export const EVENT_NAMES: readonly EventName[] = [
  'engineStatus',
  'importProgress',
  'trainProgress',
  'metric',
  'runStatus',
  'checkpoints',
  'evaluateProgress',
  'menu',
];

/** A call as a function: no argument for void inputs. */
export type CallFn<K extends CallName> =
  CallInput<K> extends void
    ? () => Promise<CallOutput<K>>
    : (input: CallInput<K>) => Promise<CallOutput<K>>;

/** What the renderer sees as `window.studio` (or the WebSocket client in web mode). */
export type StudioApi = { [K in CallName]: CallFn<K> } & {
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  /** 'electron' when the preload provided it, 'web' over the WebSocket. */
  readonly transport: 'electron' | 'web';
};

/** The main-process side: one handler per call, given the validated input (defaults filled in). */
export type ApiHandlers = {
  [K in CallName]: (input: CallArgs<K>) => Promise<CallOutput<K>>;
};

/** The same calls as a caller makes them (the CLI, tests): inputs are validated on the way in. */
export type ApiCalls = {
  [K in CallName]: (input: CallInput<K>) => Promise<CallOutput<K>>;
};

/**
 * The input of a call parsed with its schema: defaults filled in, ranges and rules checked.
 * @throws AppError(InvalidArgument) naming the call, where the input is wrong and what is wrong
 */
export function parseCallInput<K extends CallName>(name: K, input: unknown): CallArgs<K> {
  const parsed = CALLS[name].input.safeParse(input);
  if (parsed.success) return parsed.data as CallArgs<K>;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  const what = (issue?.message ?? 'unknown problem').replace(/\.$/, '');
  throw new AppError(
    ErrorCode.InvalidArgument,
    `The ${name} call got invalid input${where}: ${what}.`,
  );
}

/** Handlers that validate their input first, as dispatch does for calls from a window or a browser. */
export function validatedCalls(handlers: ApiHandlers): ApiCalls {
  const calls = {} as Record<CallName, (input: unknown) => Promise<unknown>>;
  for (const name of CALL_NAMES) {
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    calls[name] = async (input) => handler(parseCallInput(name, input));
  }
  return calls as ApiCalls;
}

/** IPC channel names, shared by preload and main/ipc.ts. */
export const IPC_CALL_CHANNEL = 'studio:call';
export const IPC_EVENT_CHANNEL = 'studio:event';

/** Messages of the web-mode WebSocket. */
export type WireRequest = { id: number; name: CallName; input: unknown };
export type WireMessage =
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown };

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CALLS, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}
