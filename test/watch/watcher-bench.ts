/**
 * Watcher backend benchmark (not a test): ready time and RSS on a generated tree.
 * Usage: node dist/test/watch/watcher-bench.js <parcel|chokidar> [root] [files] [folders]
 * Generates the tree on first use (default /tmp/lumensync-watch-bench, 100,000 files in 2,000
 * folders); run each backend in its own process so RSS is not shared.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startWatcher, type WatchEvent } from '../../src/local/watcher.js';

async function generate(root: string, files: number, folders: number): Promise<void> {
  if (existsSync(path.join(root, '.complete'))) return;
  const perFolder = Math.ceil(files / folders);
  for (let folder = 0; folder < folders; folder++) {
    const dir = path.join(root, `d${String(folder).padStart(4, '0')}`);
    await mkdir(dir, { recursive: true });
    await Promise.all(Array.from({ length: perFolder }, (_, index) => writeFile(path.join(dir, `f${index}.txt`), `file ${folder}/${index}\n`)));
  }
  await writeFile(path.join(root, '.complete'), '');
}

async function main(): Promise<void> {
  const backend = process.argv[2];
  // Test runners that load every file under test/ must not start a 100,000-file benchmark.
  if (backend !== 'parcel' && backend !== 'chokidar') {
    process.stdout.write('usage: node dist/test/watch/watcher-bench.js <parcel|chokidar> [root] [files] [folders]\n');
    return;
  }
  const root = process.argv[3] ?? '/tmp/lumensync-watch-bench';
  await generate(root, Number(process.argv[4] ?? 100_000), Number(process.argv[5] ?? 2_000));
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const seen: WatchEvent[] = [];
  const watcher = await startWatcher(backend, { root, onEvents: (events) => seen.push(...events), onError: (error) => process.stderr.write(`watcher error: ${error.message}\n`) });
  const readyMs = performance.now() - started;
  global.gc?.();
  const rss = process.memoryUsage().rss;
  // Prove it works: one event must arrive.
  const probe = path.join(root, 'd0000', 'probe.txt');
  const probeStart = performance.now();
  await writeFile(probe, String(Date.now()));
  while (!seen.some((event) => event.relativePath === 'd0000/probe.txt') && performance.now() - probeStart < 10_000) await new Promise((resolve) => setTimeout(resolve, 10));
  const eventMs = performance.now() - probeStart;
  await watcher.close();
  process.stdout.write(`${JSON.stringify({ backend: watcher.backend, readyMs: Math.round(readyMs), rssMB: Math.round(rss / 2 ** 20), rssBeforeMB: Math.round(rssBefore / 2 ** 20), firstEventMs: Math.round(eventMs) })}\n`);
}

void main();
