/**
 * The typed protocol between EngineHost (main thread) and the engine worker.
 * Discriminated unions on `type`; messages carry plain numbers, strings and arrays, never tensors.
 */
import type { ErrorData, Result } from '../../shared/errors';
import type { BackendName, EngineInfo } from '../../shared/types';

/** Request/response calls the worker serves: method -> input and output. */
export interface EngineCalls {
  engineInfo: { input: void; output: EngineInfo };
  /** Echo for protocol tests and liveness checks. */
  ping: { input: { payload: string }; output: { payload: string; backend: BackendName } };
}
export type EngineMethod = keyof EngineCalls;

/** Events the worker pushes without being asked. */
export type EngineEvent = { type: 'log'; level: 'info' | 'warn'; message: string };

export type HostToWorker =
  | { type: 'init'; backend: BackendName | 'auto' }
  | {
      [K in EngineMethod]: { type: 'call'; id: number; method: K; input: EngineCalls[K]['input'] };
    }[EngineMethod]
  /** Test hook: makes the worker die in the given way (crash-recovery tests). */
  | { type: 'crash'; how: 'throw' | 'exit' };

export type WorkerToHost =
  | { type: 'ready'; info: EngineInfo }
  | { type: 'initFailed'; error: ErrorData }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: EngineEvent };
