/** The only module that writes to the terminal (DESIGN §5). Everything else returns data. */
import { LumenSyncError, RemoteError } from '../errors.js';

/** Write a line to stdout. */
export const printLine = (text = ''): void => {
  process.stdout.write(`${text}\n`);
};

/** Things drawn on the terminal that a message must end first (the progress bar). */
const transients = new Set<() => void>();

/** Register `end` to run before the next printError (returns the unregister function). */
export const holdTransient = (end: () => void): (() => void) => {
  transients.add(end);
  return () => {
    transients.delete(end);
  };
};

/** Write a line to stderr, after ending any progress bar (so the message gets a line of its own). */
export const printError = (text: string): void => {
  for (const end of [...transients]) end();
  transients.clear();
  process.stderr.write(`${text}\n`);
};

/** Print any value as pretty JSON on stdout (`--json`). */
export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/**
 * A failure explained for a person: what happened, the fix, and for server errors what a
 * support ticket needs. Never a bare stack trace (set LUMENSYNC_DEBUG=1 for one).
 */
export function explainError(error: unknown): string {
  const lines: string[] = [];
  if (error instanceof RemoteError) {
    lines.push(`error: ${error.message}`);
    if (error.hint) lines.push(`  fix: ${error.hint}`);
    if (error.kind === 'server' || error.kind === 'network' || error.kind === 'protocol') {
      lines.push(`  request: ${error.method} ${error.url}`, `  time: ${error.timestamp}`);
      if (error.accountId) lines.push(`  account: ${error.accountId}`);
    }
  } else if (error instanceof LumenSyncError) {
    lines.push(`error: ${error.message}`);
    if (error.hint) lines.push(`  fix: ${error.hint}`);
  } else if (error instanceof Error) {
    lines.push(`error: ${error.message}`);
  } else {
    lines.push(`error: ${String(error)}`);
  }
  if (process.env.LUMENSYNC_DEBUG && error instanceof Error && error.stack) lines.push(error.stack);
  return lines.join('\n');
}

/** Human size: 1536 → "1.5 KiB". */
export const formatBytes = (bytes: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
};

/** Human duration: 83_000 → "1m23s". */
export const formatDuration = (ms: number): string => {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
};
