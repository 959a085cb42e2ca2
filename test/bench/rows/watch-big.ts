/** Row 6: `watch` on 100,000 files in 2,000 folders — time to ready and memory. */
import { setTimeout as sleep } from 'node:timers/promises';
import { series } from '../lib.js';
import { ms, msSeries, type RowRunner } from '../row.js';
import { processMemory, startWatch } from '../watch-process.js';

export const watchBig: RowRunner = async (ctx) => {
  const tree = await ctx.bigMirror();
  const target = 'ready ≤ 3 s, RSS ≤ 200 MB';
  const ready: number[] = [];
  const rss: number[] = [];
  const peak: number[] = [];
  for (let round = 0; round < ctx.rounds; round += 1) {
    ctx.note(`row 6: round ${round + 1}/${ctx.rounds}`);
    const watch = await startWatch(tree.url, [tree.root, '--org', 'acme', '--folder', tree.folder, '--workspace', 'support-bot',
      '--state-dir', tree.stateDir, '--rate', '0', '--concurrency', '8']);
    try {
      ready.push(watch.readyMs);
      // Memory once it has settled into watching (status file written, first GC cycles done).
      await sleep(1500);
      const memory = await processMemory(watch.child.pid!);
      rss.push(memory.rssMiB);
      peak.push(memory.peakMiB);
    } finally {
      await watch.stop();
    }
  }
  const readySeries = series(ready);
  const rssSeries = series(rss);
  const peakSeries = series(peak);
  const mb = (mib: number): number => (mib * 1048576) / 1e6;
  const met = readySeries.median <= 3000 && mb(peakSeries.median) <= 200;
  return {
    row: 6, name: `watch on ${tree.files} files in ${tree.folders} folders (warm journal)`, target, verdict: met ? 'met' : 'missed',
    measured: `ready ${msSeries(readySeries)}; RSS ${mb(rssSeries.median).toFixed(0)} MB, peak ${mb(peakSeries.median).toFixed(0)} MB (max ${mb(peakSeries.max).toFixed(0)})`,
    figures: { files: tree.files, readyMs: readySeries, rssMiB: rssSeries, peakRssMiB: peakSeries },
    note: `ready = spawn → "ready" line: includes node start, journal load, watcher subscription and the first full (no-op) reconcile; ${ms(readySeries.median)}`,
  };
};
