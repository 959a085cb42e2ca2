/**
 * Watches the daemon's own remote calls from outside the engine: whether the remote answers
 * (for `/healthz`) and how long requests take (for `/metrics`). Wraps the session's remote port
 * in a proxy, so the engine and executor stay unaware of it.
 */
import { performance } from 'node:perf_hooks';
import { RemoteError } from '../errors.js';

/** One finished remote call. */
export interface RemoteCallOutcome {
  /** Client method name, e.g. `uploadFile`. */
  operation: string;
  durationMs: number;
  ok: boolean;
  error?: unknown;
}

/** What the monitor concluded so far. */
export interface RemoteHealth {
  /** False after a call failed because the remote could not be reached or was unavailable; true again after any answer. */
  reachable: boolean;
  /** The last failure's message (never holds the key: RemoteError messages carry none). */
  lastError: string | undefined;
  lastErrorAt: number | undefined;
}

/** True when `error` says the remote is down or overloaded, not that the request was wrong. */
export const meansUnavailable = (error: unknown): boolean =>
  error instanceof RemoteError && (error.kind === 'network' || error.kind === 'server' || error.kind === 'rate-limit');

/**
 * Wrap `remote` so every async method call reports its outcome to `onOutcome`. While `refuse()`
 * returns an error, new calls fail with it before anything is sent: that is how a drain stops
 * taking new work while the requests already in flight finish (the executor records the refused
 * ones as failed intents, so the journal stays exact). `onStart` marks a call going out (in-flight counting).
 */
export function monitorRemote<T extends object>(remote: T, onOutcome: (outcome: RemoteCallOutcome) => void, refuse: () => Error | undefined = () => undefined, onStart?: () => void): T {
  return new Proxy(remote, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const refusal = refuse();
        if (refusal) return Promise.reject(refusal);
        const started = performance.now();
        onStart?.();
        const result: unknown = (value as (...callArgs: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        const operation = String(property);
        return result.then(
          (resolved: unknown) => {
            onOutcome({ operation, durationMs: performance.now() - started, ok: true });
            return resolved;
          },
          (error: unknown) => {
            onOutcome({ operation, durationMs: performance.now() - started, ok: false, error });
            throw error;
          },
        );
      };
    },
  });
}

/** Fold call outcomes into a RemoteHealth (mutates and returns `health`). */
export function recordOutcome(health: RemoteHealth, outcome: RemoteCallOutcome, now: number): RemoteHealth {
  if (outcome.ok) {
    health.reachable = true;
    return health;
  }
  // A 4xx means the remote answered: it is up, the request was wrong (reported per file).
  if (meansUnavailable(outcome.error)) health.reachable = false;
  health.lastError = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  health.lastErrorAt = now;
  return health;
}
