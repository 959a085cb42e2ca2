/** The watcher interface: the ignore filter, and real events from both backends. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ignoreFilter, isIgnoreFileEvent, relativeToRoot, startWatcher, type WatchEvent } from '../../src/local/watcher.js';

const filterCases: { label: string; patterns: string[]; relativePath: string; ignored: boolean }[] = [
  { label: 'plain file', patterns: [], relativePath: 'docs/a.md', ignored: false },
  { label: 'inside .git', patterns: [], relativePath: '.git/index', ignored: true },
  { label: 'inside node_modules deep down', patterns: [], relativePath: 'a/node_modules/x/y.js', ignored: true },
  { label: 'editor swap file', patterns: [], relativePath: 'docs/.a.md.swp', ignored: true },
  { label: '--ignore pattern on a directory', patterns: ['build/'], relativePath: 'build/out.txt', ignored: true },
  { label: '--ignore pattern on a name', patterns: ['*.log'], relativePath: 'x/server.log', ignored: true },
  { label: '.lumenignore always reaches the daemon', patterns: [], relativePath: 'docs/.lumenignore', ignored: false },
];

for (const filterCase of filterCases) {
  test(`ignoreFilter: ${filterCase.label}`, () => {
    assert.equal(ignoreFilter(filterCase.patterns)(filterCase.relativePath), filterCase.ignored);
  });
}

test('relativeToRoot and isIgnoreFileEvent', () => {
  assert.equal(relativeToRoot('/r', '/r/a/b.txt'), 'a/b.txt');
  assert.equal(relativeToRoot('/r', '/r'), undefined);
  assert.equal(relativeToRoot('/r', '/other/x'), undefined);
  assert.equal(isIgnoreFileEvent({ kind: 'change', relativePath: 'a/.lumenignore' }), true);
  assert.equal(isIgnoreFileEvent({ kind: 'change', relativePath: 'a/x.lumenignore' }), false);
});

for (const backend of ['parcel', 'chokidar'] as const) {
  test(`${backend} backend: create and delete arrive as relative events; ignored paths do not`, { timeout: 20_000 }, async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'lumensync-'));
    const events: WatchEvent[] = [];
    const watcher = await startWatcher(backend, { root, onEvents: (batch) => events.push(...batch), onError: (error) => assert.fail(error) });
    try {
      assert.equal(watcher.backend, backend);
      await writeFile(path.join(root, 'a.txt'), 'a');
      await writeFile(path.join(root, 'b.swp'), 'swap');
      const seen = async (kind: WatchEvent['kind'], relativePath: string): Promise<void> => {
        const started = Date.now();
        while (!events.some((event) => event.kind === kind && event.relativePath === relativePath)) {
          assert.ok(Date.now() - started < 5000, `no ${kind} event for ${relativePath}: ${JSON.stringify(events)}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await seen('change', 'a.txt');
      await unlink(path.join(root, 'a.txt'));
      await seen('delete', 'a.txt');
      assert.equal(events.some((event) => event.relativePath === 'b.swp'), false);
    } finally {
      await watcher.close();
      await rm(root, { recursive: true, force: true });
    }
  });
}
