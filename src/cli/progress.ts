/** Progress on stderr: a bar on a TTY, a plain line every few seconds otherwise. */
import cliProgress from 'cli-progress';
import type { Stats } from '../stats/stats.js';
import { formatBytes } from './output.js';
import type { ThroughputLimit } from '../executor/throughput-limit.js';

export interface ProgressReporter {
  stop(): void;
}

/** Start reporting `stats` until `stop()`. `enabled: false` reports nothing. */
export function startProgress(stats: Stats, options: { enabled: boolean; tty: boolean; intervalMs?: number; limit?: () => ThroughputLimit }): ProgressReporter {
  if (!options.enabled) return { stop: () => undefined };
  const started = Date.now();
  const limit = (): string => options.limit?.().text ?? '';
  const rate = (): number => stats.bytesUploaded / Math.max(0.001, (Date.now() - started) / 1000);
  if (options.tty) {
    const bar = new cliProgress.SingleBar({
      stream: process.stderr,
      format: '{bar} {value}/{total} files | {bytes}/{bytesTotal} | {rate}/s | ETA {eta_formatted} | {limit}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    }, cliProgress.Presets.shades_classic);
    bar.start(Math.max(1, stats.filesTotal), 0, { bytes: '0 B', bytesTotal: '0 B', rate: '0 B', limit: '' });
    const timer = setInterval(() => {
      bar.setTotal(Math.max(1, stats.filesTotal));
      bar.update(stats.filesDone, { bytes: formatBytes(stats.bytesUploaded), bytesTotal: formatBytes(stats.bytesTotal), rate: formatBytes(rate()), limit: limit() });
    }, 200);
    return { stop: () => { clearInterval(timer); bar.update(stats.filesDone); bar.stop(); } };
  }
  const timer = setInterval(() => {
    process.stderr.write(`progress: ${stats.filesDone}/${stats.filesTotal} files, ${formatBytes(stats.bytesUploaded)}/${formatBytes(stats.bytesTotal)}, ${formatBytes(rate())}/s, ${stats.failures.length} failed, ${stats.retries} retries${options.limit ? `; ${limit()}` : ''}\n`);
  }, options.intervalMs ?? 5000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
