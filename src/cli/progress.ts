/** Progress on stderr: a bar on a TTY, a plain line every few seconds otherwise. */
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import type { Stats } from '../stats/stats.js';
import { formatBytes, holdTransient } from './output.js';
import type { ThroughputLimit } from '../executor/throughput-limit.js';

export interface ProgressReporter {
  stop(): void;
}

/** Start reporting `stats` until `stop()`. `enabled: false` reports nothing. */
export function startProgress(stats: Stats, options: { enabled: boolean; tty: boolean; intervalMs?: number; stream?: NodeJS.WritableStream; limit?: () => ThroughputLimit }): ProgressReporter {
  if (!options.enabled) return { stop: () => undefined };
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  const limit = (): string => options.limit?.().text ?? '';
  const rate = (): number => stats.bytesUploaded / Math.max(0.001, (Date.now() - started) / 1000);
  if (options.tty) {
    // Loaded only for a bar on a terminal: piped and --no-progress runs never pay for it (issue 11).
    const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
    const bar = new cliProgress.SingleBar({
      stream,
      format: '{bar} {value}/{total} files | {bytes}/{bytesTotal} | {rate}/s | ETA {eta_formatted} | {limit}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    }, cliProgress.Presets.shades_classic);
    bar.start(Math.max(1, stats.filesTotal), 0, { bytes: '0 B', bytesTotal: '0 B', rate: '0 B', limit: '' });
    const refresh = (): void => {
      bar.setTotal(Math.max(1, stats.filesTotal));
      // Bytes of this pass against this pass's total: exact at the end, also after a resumed or second pass.
      bar.update(stats.filesDone, { bytes: formatBytes(stats.bytesDone), bytesTotal: formatBytes(stats.bytesTotal), rate: formatBytes(rate()), limit: limit() });
    };
    const timer = setInterval(refresh, 200);
    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      release();
      refresh();
      bar.stop();
    };
    // A message (Ctrl+C, an error) ends the bar first: the message then starts on a line of its own.
    const release = holdTransient(stop);
    return { stop };
  }
  const timer = setInterval(() => {
    stream.write(`progress: ${stats.filesDone}/${stats.filesTotal} files, ${formatBytes(stats.bytesDone)}/${formatBytes(stats.bytesTotal)}, ${formatBytes(rate())}/s, ${stats.failures.length} failed, ${stats.retries} retries${options.limit ? `; ${limit()}` : ''}\n`);
  }, options.intervalMs ?? 5000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
