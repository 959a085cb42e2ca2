/**
 * Idle detection for request bodies (issue 15): an upload the server stopped reading must be
 * abandoned and retried, while a big file that keeps moving is never cut off. undici has no send
 * timeout, so its diagnostics channels tell us each body chunk written; a request is matched by a
 * tag header. The timer runs only while the body is being sent: the wait for the answer after it
 * is the headers timeout's business (`--upload-timeout`).
 */
import diagnosticsChannel from 'node:diagnostics_channel';

/** Header naming the transfer, so diagnostics events can be matched to the request that sent it. */
export const TRANSFER_HEADER = 'x-lumensync-transfer';

interface Watch { progress(): void; sent(): void }

const watches = new Map<string, Watch>();
let subscribed = false;
let counter = 0;

/** The transfer id an undici request carries (its headers are a flat [name, value, …] array). */
function transferOf(message: unknown): string | undefined {
  const headers = (message as { request?: { headers?: unknown } }).request?.headers;
  if (!Array.isArray(headers)) return undefined;
  for (let index = 0; index + 1 < headers.length; index += 2) {
    if (String(headers[index]).toLowerCase() === TRANSFER_HEADER) return String(headers[index + 1]);
  }
  return undefined;
}

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  diagnosticsChannel.subscribe('undici:request:bodyChunkSent', (message) => {
    const id = transferOf(message);
    if (id !== undefined) watches.get(id)?.progress();
  });
  diagnosticsChannel.subscribe('undici:request:bodySent', (message) => {
    const id = transferOf(message);
    if (id !== undefined) watches.get(id)?.sent();
  });
}

/** A running watch: the header value to send, and `stop()` once the request settled. */
export interface SendWatch {
  id: string;
  stop(): void;
}

/** Call `onIdle` when the body of the tagged request sends nothing for `idleMs` (armed at once: connecting counts). */
export function watchSending(idleMs: number, onIdle: () => void): SendWatch {
  subscribe();
  counter += 1;
  const id = `${process.pid}-${counter}`;
  const timer = setTimeout(() => {
    watches.delete(id);
    onIdle();
  }, idleMs);
  timer.unref();
  const stop = (): void => {
    clearTimeout(timer);
    watches.delete(id);
  };
  watches.set(id, { progress: () => timer.refresh(), sent: stop });
  return { id, stop };
}
