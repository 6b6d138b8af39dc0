/**
 * The engine worker: the only place TensorFlow.js is loaded. One listener, a switch on
 * msg.type; calls are answered as Results so errors keep their code across the boundary.
 */
import { parentPort } from 'node:worker_threads';
import { AppError, assertNever, ErrorCode, fail, ok, toErrorData } from '../../shared/errors';
import type { EngineInfo } from '../../shared/types';
import { chooseBackend } from './backend';
import type {
  EngineCalls,
  EngineEvent,
  EngineMethod,
  HostToWorker,
  WorkerToHost,
} from '../protocol/engine';
import { scoreCheckpoint } from './checkpointScorer';
import { insideWorkerHandlers } from './inside/insideHandlers';
import { TrainingJob } from './trainingJob';
import { Translator } from './translator';

if (!parentPort) throw new Error('main/worker/engineWorker.ts must run in a worker thread.');
const port = parentPort;

function post(msg: WorkerToHost): void {
  port.postMessage(msg);
}

let info: EngineInfo | undefined;
/** The one active training run; translate requests are served between its steps. */
let job: TrainingJob | undefined;
const translator = new Translator();

function emit(event: EngineEvent): void {
  post({ type: 'event', event });
}

function engineInfo(): EngineInfo {
  if (!info) throw new Error('The engine worker has not finished choosing a backend.');
  return info;
}

type Handlers = {
  [K in EngineMethod]: (input: EngineCalls[K]['input']) => Promise<EngineCalls[K]['output']>;
};

const handlers: Handlers = {
  engineInfo: async () => engineInfo(),
  ping: async ({ payload }) => ({ payload, backend: engineInfo().backend }),

  async trainStart(spec) {
    if (job) {
      throw new AppError(
        ErrorCode.Busy,
        `Run ${job.runId} is training; one run trains at a time. Stop it first.`,
      );
    }
    const next = new TrainingJob(spec, emit, translator.bleuEvaluator());
    job = next;
    try {
      const started = await next.prepare();
      // The loop runs on after this call answers; its end is a trainEnded event.
      void next.run().finally(() => {
        next.dispose();
        if (job === next) job = undefined;
      });
      return started;
    } catch (err) {
      next.dispose();
      job = undefined;
      throw err;
    }
  },

  async trainControl({ runId, command }) {
    if (!job || job.runId !== runId) {
      throw new AppError(ErrorCode.NotFound, `Run ${runId} is not training in this engine.`);
    }
    return job.control(command);
  },

  translate: async (request) => translator.translate(request),
  translateMany: async (job) =>
    translator.translateMany(job, (done, total) =>
      emit({ type: 'translateProgress', done, total }),
    ),
  checkpointScore: async (job) => scoreCheckpoint(job, translator.bleuEvaluator()),
  ...insideWorkerHandlers(translator),
};

async function serve<K extends EngineMethod>(
  id: number,
  method: K,
  input: EngineCalls[K]['input'],
): Promise<void> {
  try {
    const handler = handlers[method] as (
      i: EngineCalls[K]['input'],
    ) => Promise<EngineCalls[K]['output']>;
    post({ type: 'result', id, result: ok(await handler(input)) });
  } catch (err) {
    post({ type: 'result', id, result: fail(err) });
  }
}

port.on('message', (msg: HostToWorker) => {
  switch (msg.type) {
    case 'init':
      chooseBackend(msg.backend, { wasmThreads: msg.wasmThreads }).then(
        (chosen) => {
          info = chosen;
          post({ type: 'ready', info: chosen });
        },
        (err: unknown) => post({ type: 'initFailed', error: toErrorData(err) }),
      );
      break;
    case 'call':
      void serve(msg.id, msg.method, msg.input);
      break;
    case 'crash':
      if (msg.how === 'exit') process.exit(3);
      // Thrown outside any handler: an uncaught exception, as a real engine bug would be.
      setImmediate(() => {
        throw new Error('Crash requested by the host (test hook).');
      });
      break;
    default:
      assertNever(msg, 'message to the engine worker');
  }
});
