/**
 * The contract between the renderer and the main process: every call and every event.
 * Both ends are derived from it: the preload / WebSocket client on one side, main/ipc.ts and
 * main/web on the other. Inputs are validated with zod where they arrive (main); outputs are
 * typed. Calls resolve to the output or reject with an AppError (they cross as a Result).
 */
import { z } from 'zod';
import type { Result } from './errors';
import type { EngineInfo, EngineStatus } from './types';

/** One call: the zod schema of its input, and (a phantom) its output type. */
export interface CallSpec<I extends z.ZodType, O> {
  input: I;
  /** Never read at run time: carries the output type. */
  output?: O;
}

function call<O>(): CallSpec<z.ZodVoid, O>;
function call<O, I extends z.ZodType>(input: I): CallSpec<I, O>;
function call(input?: z.ZodType): CallSpec<z.ZodType, unknown> {
  return { input: input ?? z.void() };
}

export const CALLS = {
  /** The backend the engine worker picked, its tfjs version and why better ones were not taken. */
  engineInfo: call<EngineInfo>(),
  /** The engine worker's state: starting, ready, busy, crashed. */
  engineStatus: call<EngineStatus>(),
} as const;

export type CallName = keyof typeof CALLS;
export type CallInput<K extends CallName> = z.infer<(typeof CALLS)[K]['input']>;
export type CallOutput<K extends CallName> = NonNullable<(typeof CALLS)[K]['output']>;

/** Events main pushes to the renderer (throttled summaries; full detail stays on disk). */
export interface EventMap {
  engineStatus: EngineStatus;
}
export type EventName = keyof EventMap;

export const CALL_NAMES = Object.keys(CALLS) as CallName[];
export const EVENT_NAMES: readonly EventName[] = ['engineStatus'];

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

/** The main-process side: one handler per call, given the validated input. */
export type ApiHandlers = {
  [K in CallName]: (input: CallInput<K>) => Promise<CallOutput<K>>;
};

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
