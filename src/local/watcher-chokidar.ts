/**
 * The portable backend: chokidar 5 (pure JavaScript over fs.watch, or polling for network
 * shares where no native events arrive). Costs far more memory than the native backend on
 * large trees, so it is the fallback and the `--poll` backend, not the default.
 */
import { watch } from 'chokidar';
import type { Watcher, WatcherOptions, WatchEvent } from './watcher.js';
import { ignoreFilter, relativeToRoot } from './watcher.js';

/** Batch events arriving in the same tick: chokidar emits one callback per path. */
const FLUSH_DELAY_MS = 10;

/** Watch `options.root` with chokidar; resolves once the initial crawl is done ("ready"). */
export async function startChokidarWatcher(options: WatcherOptions): Promise<Watcher> {
  const ignored = ignoreFilter(options.ignore);
  let pending: WatchEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const push = (kind: WatchEvent['kind'], absolutePath: string): void => {
    const relativePath = relativeToRoot(options.root, absolutePath);
    if (relativePath === undefined) return;
    pending.push({ kind, relativePath });
    timer ??= setTimeout(() => {
      timer = undefined;
      const batch = pending;
      pending = [];
      options.onEvents(batch);
    }, FLUSH_DELAY_MS);
  };
  const watcher = watch(options.root, {
    ignoreInitial: true,
    persistent: true,
    followSymlinks: options.followSymlinks ?? false,
    usePolling: options.poll ?? false,
    interval: options.pollIntervalMs ?? 2000,
    binaryInterval: options.pollIntervalMs ?? 2000,
    // Our own dirty set does the settling: chokidar's write-finish polling would double the delay.
    awaitWriteFinish: false,
    ignored: (absolutePath: string) => {
      const relativePath = relativeToRoot(options.root, absolutePath);
      return relativePath !== undefined && ignored(relativePath);
    },
  });
  watcher.on('add', (file) => push('change', file));
  watcher.on('change', (file) => push('change', file));
  watcher.on('addDir', (dir) => push('change', dir));
  watcher.on('unlink', (file) => push('delete', file));
  watcher.on('unlinkDir', (dir) => push('delete', dir));
  watcher.on('error', (error) => options.onError(error instanceof Error ? error : new Error(String(error))));
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', () => resolve());
    watcher.once('error', reject);
  });
  let closed = false;
  return {
    backend: 'chokidar',
    close: async () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
