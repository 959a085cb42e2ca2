/**
 * startEmulator: a local LumenOne server on node:http with fault injection. Used by tests,
 * benchmarks and `lumensync emulator`; never imported by production sync code.
 */

import { STATUS_CODES, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultEngine, type FaultOptions } from './faults.js';
import { CONTROL_PATH, controlReply } from './control.js';
import { drain, sendReply } from './http.js';
import { loadStateFile, StatePersister } from './persistence.js';
import { runPipeline } from './router.js';
import { loadDefaultSeed, type EmulatorSeed } from './seed.js';
import { EmulatorState } from './state.js';
import type { LogDetails, Reply, RequestLogEntry } from './types.js';
import { Upstream, type UpstreamOptions } from './upstream.js';

export type { FaultOptions } from './faults.js';
export type { EmulatorSeed } from './seed.js';
export type { RequestLogEntry } from './types.js';
export type { UpstreamId, UpstreamOptions } from './upstream.js';
export { EmulatorState } from './state.js';

/** Options of startEmulator. */
export interface EmulatorOptions {
  /** Default 0 = any free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default: config/emulator-seed.json. Ignored when `state` is given or `dataDir` holds a saved state. */
  seed?: EmulatorSeed;
  /** Persist state here (load at start, save after mutations, on close). */
  dataDir?: string;
  faults?: FaultOptions;
  /** Reuse a previous instance's state (restart on the same state). */
  state?: EmulatorState;
  /** Upstream behaviours (contract §13): all modelled unless switched off here. */
  upstream?: UpstreamOptions;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** 'http://127.0.0.1:PORT' (clients add /api/v1 themselves). */
  url: string;
  port: number;
  state: EmulatorState;
  /** Upstream behaviours in force (U1's temporary files count `slots.swaps`). */
  upstream: Upstream;
  /** Every request, oldest first (the newest MAX_REQUEST_LOG entries are kept). */
  requestLog: RequestLogEntry[];
  /** Replaces the fault settings at runtime. */
  setFaults(faults: FaultOptions): void;
  /** Stops listening, destroys open sockets, saves state if dataDir. */
  close(): Promise<void>;
}

/** How many request-log entries are kept. */
export const MAX_REQUEST_LOG = 200_000;

/** Append to a log, dropping the oldest entries beyond `max` (the array is shared with callers, so it is trimmed in place). */
export const appendBounded = <T>(log: T[], entry: T, max: number): void => {
  log.push(entry);
  if (log.length > max) log.splice(0, log.length - max);
};

const INJECTED_500 = { success: false, message: 'Internal Server Error (injected)' };


/** Start an emulator; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const faults = new FaultEngine(options.faults ?? {});
  const upstream = new Upstream(options.upstream);
  const state = options.state
    ?? (options.dataDir === undefined ? undefined : loadStateFile(options.dataDir))
    ?? EmulatorState.fromSeed(options.seed ?? loadDefaultSeed());
  const persister = options.dataDir === undefined ? undefined : new StatePersister(options.dataDir, state);
  const requestLog: RequestLogEntry[] = [];
  let seq = 0;
  // Aborted by close() so requests waiting out injected latency do not keep the process alive.
  const stopping = new AbortController();

  /** Sleep until `at` (performance.now() time); false when the emulator closed meanwhile. */
  const waitUntil = async (at: number): Promise<boolean> => {
    const waitMs = at - performance.now();
    if (waitMs <= 0) return !stopping.signal.aborted;
    try {
      await sleep(waitMs, undefined, { signal: stopping.signal });
      return true;
    } catch {
      return false;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const receivedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (url.pathname === CONTROL_PATH) {
      const control = await controlReply(req, faults);
      await drain(req);
      await sendReply(res, control);
      return;
    }
    const entry: RequestLogEntry = { seq: ++seq, receivedAt, method: req.method ?? 'GET', path: url.pathname, status: null };
    if (url.search.length > 1) entry.query = url.search.slice(1);
    const accountHeader = req.headers['x-account-id'];
    if (typeof accountHeader === 'string' && accountHeader.trim() !== '') entry.accountId = accountHeader.trim().toLowerCase();
    appendBounded(requestLog, entry, MAX_REQUEST_LOG);

    const decision = faults.decide(receivedAt, /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (decision.drop !== undefined) {
      entry.fault = decision.drop;
      req.socket.destroy();
      return;
    }
    // An injected delay is a round trip: the request reaches the server after half of it, the
    // answer the client after the whole of it (plus any server time the route models). The
    // emulator's own work is done in between, so a request takes the delay asked for, not the
    // delay plus that work (which, serialized behind 8 requests woken together, made a 20 ms
    // latency cost 22-25 ms); and a client that gives up in the second half has had its request
    // applied, as over a real network.
    const arrivedAt = performance.now();
    if (decision.delayMs > 0) {
      entry.fault = decision.delayKind;
      if (!await waitUntil(arrivedAt + decision.delayMs / 2)) {
        req.socket.destroy();
        return;
      }
    }
    if (req.method === 'POST' && /\/document\/upload(?:\/|$)/.test(url.pathname) && faults.takeUploadStall()) {
      // Hang mid-upload: read nothing more, answer nothing, until the client gives up or the emulator closes.
      entry.fault = 'stall';
      req.pause();
      await new Promise<void>((resolve) => {
        req.socket.once('close', () => resolve());
        stopping.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    const details: LogDetails & { mutation?: boolean } = {};
    if (decision.rateLimitRetryAfter !== undefined) {
      entry.fault = '429';
      entry.retryAfterSeconds = decision.rateLimitRetryAfter;
      reply = { status: 429, headers: { 'Retry-After': String(decision.rateLimitRetryAfter) }, body: { success: false, message: 'Too Many Requests' } };
    } else if (decision.serverError === true) {
      entry.fault = '500';
      reply = { status: 500, body: INJECTED_500 };
    } else {
      try {
        reply = await runPipeline(req, url, state, faults, details, upstream);
      } catch (error) {
        reply = { status: 500, body: { success: false, message: `Internal Server Error (emulator bug: ${(error as Error).message})` } };
      }
    }
    const { mutation, ...routeDetails } = details;
    Object.assign(entry, routeDetails);
    if (persister !== undefined) persister.schedule();
    if (decision.dropAfterApply && mutation === true && reply.status < 300) {
      entry.fault = 'drop-after-apply';
      req.socket.destroy();
      return;
    }
    if (decision.errorAfterApply && mutation === true && reply.status < 300) {
      const status = faults.settings.errorAfterApplyStatus ?? 502;
      entry.fault = `${status}-after-apply`;
      // 200: a body that is not JSON (a proxy's error page with the wrong status); else an error status.
      reply = status === 200 ? { status: 200, rawJson: '<html><body>upstream error (injected after apply)</body></html>' }
        : { status, body: { success: false, message: `${STATUS_CODES[status] ?? 'Error'} (injected after apply)` } };
    }
    // Read any unread body first, so a client still sending never meets a reset connection.
    await drain(req);
    // Modelled server time (U1's processing) comes on top of the round trip; the emulator's own does not.
    if (decision.delayMs > 0 && !await waitUntil(arrivedAt + decision.delayMs + (details.processingMs ?? 0))) {
      req.socket.destroy();
      return;
    }
    entry.status = reply.status;
    await sendReply(res, reply);
  };

  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    void handle(req, res);
  });
  // Node's default 5 s keep-alive races clients reusing an idle socket ("connection lost before
  // an answer"); 65 s is what load balancers in front of real deployments typically allow.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  if (persister !== undefined) persister.schedule();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    state,
    upstream,
    requestLog,
    setFaults: (next) => faults.set(next),
    close: () => {
      closing ??= (async () => {
        stopping.abort();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await persister?.flush();
      })();
      return closing;
    },
  };
}
