/**
 * One WebSocket connection of web mode: every frame gets exactly one answer, a Result, whatever
 * it holds (not JSON, `null`, a number, an array, a deep object, an unknown call, wrong input);
 * nothing a client sends can throw out of here. The uploads this connection started and did
 * not finish are removed when it closes.
 */
import type { WebSocket, RawData } from 'ws';
import type { ApiHandlers, WireMessage } from '../../../shared/api';
import { AppError, ErrorCode, fail, type Result } from '../../../shared/errors';
import { dispatch } from '../dispatch';
import type { UploadStore } from '../services/uploads';

/**
 * The id answered to a frame that did not carry a usable one. The web client numbers its
 * calls from 1, so it matches no pending call there.
 */
export const NO_REQUEST_ID = 0;

export interface SocketServices {
  handlers: ApiHandlers;
  uploads: UploadStore;
  log(message: string): void;
}

type Frame = { id: number; name: unknown; input: unknown } | { id: number; error: AppError };

function badFrame(id: number, message: string): Frame {
  return { id, error: new AppError(ErrorCode.InvalidArgument, message) };
}

/** What a frame asks for, read without trusting any of it. */
export function readFrame(data: RawData, isBinary: boolean): Frame {
  if (isBinary) return badFrame(NO_REQUEST_ID, 'Frames must be JSON text, not binary.');
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    return badFrame(NO_REQUEST_ID, 'A frame was not JSON; send {"id", "name", "input"}.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return badFrame(NO_REQUEST_ID, 'A frame must be a JSON object {"id", "name", "input"}.');
  }
  const { id, name, input } = value as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    return badFrame(NO_REQUEST_ID, 'A frame must carry a whole number as its "id".');
  }
  return { id, name, input };
}

/** The upload a result leaves unfinished, or finishes. */
function uploadOf(result: Result<unknown>): { id: string; finished: boolean } | undefined {
  if (!result.ok) return undefined;
  const value = result.value as { uploadId?: unknown; path?: unknown } | null;
  if (typeof value?.uploadId !== 'string') return undefined;
  return { id: value.uploadId, finished: value.path !== undefined };
}

export function serveSocket(ws: WebSocket, services: SocketServices): void {
  const unfinishedUploads = new Set<string>();
  let closed = false;

  const abandon = (id: string): void => {
    services.uploads
      .abandon(id)
      .catch((err: unknown) => services.log(`web: upload ${id} was not removed: ${String(err)}`));
  };

  const send = (msg: WireMessage): void => {
    if (ws.readyState !== ws.OPEN) return;
    try {
      ws.send(JSON.stringify(msg));
    } catch (err) {
      services.log(`web: an answer could not be sent: ${(err as Error).message}`);
    }
  };

  const answer = async (frame: Frame): Promise<void> => {
    if ('error' in frame) {
      send({ kind: 'result', id: frame.id, result: fail(frame.error) });
      return;
    }
    const result = await dispatch(services.handlers, frame.name, frame.input);
    if (frame.name === 'uploadFile') {
      const upload = uploadOf(result);
      // A chunk answered after the socket closed: nobody will send the rest.
      if (upload && !upload.finished && closed) abandon(upload.id);
      else if (upload && !upload.finished) unfinishedUploads.add(upload.id);
      else if (upload?.finished) unfinishedUploads.delete(upload.id);
    }
    send({ kind: 'result', id: frame.id, result });
  };

  ws.on('error', (err: Error & { code?: string }) => {
    // WS_ERR_*: the client broke the protocol (a frame too big, bad UTF-8); ws closes that
    // socket with the right code, and that is all there is to it.
    if (!err.code?.startsWith('WS_ERR_')) services.log(`web: a socket failed: ${err.message}`);
  });
  ws.on('message', (data, isBinary) => {
    try {
      answer(readFrame(data, isBinary)).catch((err: unknown) =>
        services.log(`web: a frame could not be answered: ${String(err)}`),
      );
    } catch (err) {
      services.log(`web: a frame could not be read: ${String(err)}`);
    }
  });
  ws.on('close', () => {
    closed = true;
    for (const id of unfinishedUploads) abandon(id);
    unfinishedUploads.clear();
  });
}
