/**
 * pino loggers: JSON on stderr (or a file), pretty (pino-pretty) when stderr is a terminal,
 * one child per component, redaction of credentials compiled once (DESIGN invariant 7).
 */
import pino, { type Logger, type LevelWithSilent } from 'pino';
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

/** The root logger of a CLI run. Synchronous writes, so nothing is lost on exit. */
export function createLogger(options: LogOptions = {}): Logger {
  const usePretty = options.pretty ?? (options.file === undefined && process.stderr.isTTY === true);
  // Redaction runs before either stream sees the object, so pretty output is censored too.
  // pino-pretty is loaded only for a terminal: a piped or logged run never pays its start-up (issue 11).
  const pretty = usePretty ? (createRequire(import.meta.url)('pino-pretty') as typeof pinoPretty) : undefined;
  const destination = pretty
    ? pretty({ sync: true, destination: 2, colorize: process.stderr.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
    : pino.destination({ dest: options.file ?? 2, sync: true, mkdir: options.file !== undefined, ...(options.file !== undefined ? { mode: 0o600 } : {}) });
  return pino({
    level: options.level ?? 'warn',
    base: { pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, destination);
}

/** A logger that drops everything (tests, library use). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
