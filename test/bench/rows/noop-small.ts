/**
 * Row 16: row 1's journal-first no-op on 20,000 files of 1 KiB in 200 folders (issue 11's second
 * size), against the same baselines. At this size Node's own start is a large share of the pass:
 * the row reports `node -e 0` + find, the least any Node process that walks the tree can take.
 */
import path from 'node:path';
import { startEmulator } from '../../../src/emulator/server.js';
import { buildDirectMirror } from '../direct-mirror.js';
import type { RowRunner } from '../row.js';
import { measureNoop } from './noop-resync.js';

export const noopSmall: RowRunner = async (ctx) => {
  const files = ctx.quick ? 2000 : 20_000;
  const folders = files / 100;
  const root = path.join(ctx.scratch, 'row16-tree');
  const stateDir = path.join(ctx.scratch, 'row16-state');
  ctx.note(`row 16: building ${files} × 1 KiB in ${folders} folders directly (journal + emulator state, no uploads)`);
  const mirror = await buildDirectMirror(root, stateDir, 'small', { files, folders, bytesPerFile: 1024 });
  const emulator = await startEmulator({ port: 0, state: mirror.state });
  try {
    await mirror.writeJournal(emulator.url);
    return await measureNoop(ctx, { root, files, folders, url: emulator.url, folder: mirror.folder, stateDir, firstSyncMs: Number.NaN }, 16, 'row16-copy');
  } finally {
    await emulator.close();
  }
};
