/**
 * The few globals that pure code (model, training, decoding, text, eval, protocol, shared)
 * may use: those that Node, browsers and Electron all have. tsconfig.pure.json compiles that
 * code with these and nothing else, so a Node built-in or a DOM API there fails to compile.
 */
declare function setTimeout(handler: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare const performance: { now(): number };
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
interface AbortSignal {
  readonly aborted: boolean;
}
