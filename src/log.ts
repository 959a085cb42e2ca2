/**
 * pino loggers: JSON on stderr (or a file), pretty (pino-pretty) when stderr is a terminal,
 * one child per component, redaction of credentials compiled once (DESIGN invariant 7).
 * pino itself is loaded on the first line a stderr logger writes at an enabled level: a run that
 * logs nothing (a no-op `sync` at the default level) does not pay its ~30 ms of loading.
 */
import type { Logger, LevelWithSilent } from 'pino';
import { createRequire } from 'node:module';
import type pinoPretty from 'pino-pretty';

/** Paths pino censors wherever they appear in a log object. */
export const REDACTED_PATHS = [
  'apiKey', '*.apiKey', 'key', '*.key', 'authorization', '*.authorization', 'Authorization', '*.Authorization',
  'headers.authorization', '*.headers.authorization', 'headers["authorization"]', 'req.headers.authorization',
];

export interface LogOptions {
  level?: LevelWithSilent;
  /** Write JSON lines to this file instead of stderr. */
  file?: string;
  /** Human-readable lines (default: when logging to stderr and stderr is a terminal). */
  pretty?: boolean;
}

const requireHere = createRequire(import.meta.url);
const loadPino = (): typeof import('pino') => requireHere('pino') as typeof import('pino');

/** pino's level numbers; `silent` passes nothing. */
const LEVEL_VALUES: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
const ignoreLine = (): void => undefined;

/**
 * A Logger that builds the real one (`make`) only when a line passes `level`: the level methods
 * below it are no-ops, `level` and `isLevelEnabled` answer from the level, and a child is as lazy
 * (its bindings are given to the real logger's child once that one exists). Everything else
 * builds the real logger and goes to it.
 */
function lazyLogger(level: LevelWithSilent, make: () => Logger): Logger {
  let real: Logger | undefined;
  const realLogger = (): Logger => (real ??= make());
  const threshold = LEVEL_VALUES[level] ?? LEVEL_VALUES.info!;
  return new Proxy({} as Logger, {
    get(_target, property) {
      if (real === undefined) {
        if (property === 'level') return level;
        if (property === 'isLevelEnabled') return (asked: string): boolean => (LEVEL_VALUES[asked] ?? Infinity) >= threshold;
        if (property === 'child') return (bindings: Record<string, unknown>): Logger => lazyLogger(level, () => realLogger().child(bindings));
        if (typeof property === 'string' && property !== 'silent' && (LEVEL_VALUES[property] ?? -1) >= 0 && LEVEL_VALUES[property]! < threshold) return ignoreLine;
      }
      const target = realLogger();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set(_target, property, value) {
      return Reflect.set(realLogger(), property, value);
    },
  });
}

/** The root logger of a CLI run. Synchronous writes, so nothing is lost on exit. */
export function createLogger(options: LogOptions = {}): Logger {
  const level = options.level ?? 'warn';
  const make = (): Logger => {
    const pino = loadPino();
    const usePretty = options.pretty ?? (options.file === undefined && process.stderr.isTTY === true);
    // Redaction runs before either stream sees the object, so pretty output is censored too.
    // pino-pretty is loaded only for a terminal: a piped or logged run never pays its start-up (issue 11).
    const pretty = usePretty ? (requireHere('pino-pretty') as typeof pinoPretty) : undefined;
    const destination = pretty
      ? pretty({ sync: true, destination: 2, colorize: process.stderr.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
      : pino.destination({ dest: options.file ?? 2, sync: true, mkdir: options.file !== undefined, ...(options.file !== undefined ? { mode: 0o600 } : {}) });
    return pino({
      level,
      base: { pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    }, destination);
  };
  // A log file is opened now, so a path that cannot be written fails the run at its start, not mid-pass.
  return options.file === undefined ? lazyLogger(level, make) : make();
}

/** A logger that drops everything (tests, library use). */
export const silentLogger = (): Logger => lazyLogger('silent', () => loadPino()({ level: 'silent' }));
