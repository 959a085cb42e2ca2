/**
 * The native backend: @parcel/watcher (inotify on Linux, FSEvents on macOS,
 * ReadDirectoryChangesW on Windows). Loaded lazily: it is an optional dependency, and a
 * missing or broken binary must only cost the fallback to chokidar, never the daemon.
 */
import type { Watcher, WatcherOptions, WatchEvent } from './watcher.js';
import { ignoreFilter, relativeToRoot } from './watcher.js';

/** Directories no mirror wants watched: skipping them saves inotify watches (the scanner ignores them too). */
const NATIVE_IGNORES = ['**/.git', '**/node_modules'];

/** Subscribe to `options.root` with @parcel/watcher; rejects when the module cannot load or the subscription fails. */
export async function startParcelWatcher(options: WatcherOptions): Promise<Watcher> {
  const parcel = (await import('@parcel/watcher')).default;
  const ignored = ignoreFilter(options.ignore);
  const subscription = await parcel.subscribe(options.root, (error, events) => {
    if (error) {
      options.onError(error);
      return;
    }
    const batch: WatchEvent[] = [];
    for (const event of events) {
      const relativePath = relativeToRoot(options.root, event.path);
      if (relativePath === undefined || ignored(relativePath)) continue;
      batch.push({ kind: event.type === 'delete' ? 'delete' : 'change', relativePath });
    }
    if (batch.length > 0) options.onEvents(batch);
  }, { ignore: NATIVE_IGNORES });
  let closed = false;
  return {
    backend: 'parcel',
    close: async () => {
      if (closed) return;
      closed = true;
      await subscription.unsubscribe();
    },
  };
}
