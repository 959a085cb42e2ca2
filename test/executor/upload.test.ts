/**
 * The executor's uploads against a fake remote (issue 11 item 5): a small file is read when its turn
 * comes and sent only if it still holds the bytes the scan hashed; a streamed (large) file that
 * changes while it is sent is journalled with a stat that cannot match; an upload's intent is begun
 * right before it is sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { UploadRequest, UploadedDocument } from '../../src/api/types.js';
import type { Plan, UploadAction } from '../../src/core/plan-types.js';
import type { JournalEntry } from '../../src/core/types.js';
import { execute } from '../../src/executor/executor.js';
import { Pacer } from '../../src/executor/pacer.js';
import type { JournalPort, RemotePort } from '../../src/executor/ports.js';
import { Stats } from '../../src/stats/stats.js';

const sha256 = (content: string | Buffer): string => createHash('sha256').update(content).digest('hex');

interface Fixture {
  root: string;
  sent: UploadRequest[];
  puts: JournalEntry[];
  intents: { begun: number; ended: string[] };
  stats: Stats;
  run(actions: UploadAction[], options?: { uploadBufferBytes?: number; onUpload?: (request: UploadRequest) => Promise<void>; pacer?: Pacer }): Promise<void>;
  scanned(relativePath: string): Promise<UploadAction>;
}

async function fixture(t: { after(fn: () => Promise<void>): void }): Promise<Fixture> {
  const root = await mkdtemp(path.join(tmpdir(), 'lumensync-upload-exec-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const sent: UploadRequest[] = [];
  const puts: JournalEntry[] = [];
  const intents = { begun: 0, ended: [] as string[] };
  const stats = new Stats();
  const journal: JournalPort = {
    get: () => undefined, byDocpath: () => undefined, delete: () => undefined, move: () => undefined,
    put: (entry) => { puts.push(entry); },
    beginIntent: (intent) => { intents.begun += 1; return { ...intent, id: String(intents.begun), at: 0 }; },
    endIntent: (_id, outcome) => { intents.ended.push(outcome); },
  };
  return {
    root, sent, puts, intents, stats,
    async scanned(relativePath) {
      const absolutePath = path.join(root, relativePath);
      const { readFile } = await import('node:fs/promises');
      const [info, content] = await Promise.all([stat(absolutePath), readFile(absolutePath)]);
      return { kind: 'upload', relativePath, sha256: sha256(content), size: info.size, mtimeMs: info.mtimeMs };
    },
    async run(actions, options = {}) {
      const remote = {
        uploadDocument: async (request: UploadRequest): Promise<UploadedDocument[]> => {
          // The intent of this upload is in the journal when it is sent, and those of the queued ones are not.
          assert.equal(intents.begun, sent.length + 1, 'one intent begun per upload sent so far');
          sent.push(request);
          await options.onUpload?.(request);
          return [{ docpath: `acme/docs/${request.fileName}-x.json`, storedName: `${request.fileName}-x.json`, title: request.fileName }];
        },
      } as unknown as RemotePort;
      const plan = { actions, blockedRemoves: [], blockedUnembeds: [], skipped: [], guards: [] } as unknown as Plan;
      await execute(plan, {
        remote, journal, pacer: options.pacer ?? new Pacer({ retries: 0, ratePerSecond: 0, concurrency: 1 }), stats, log: pino({ level: 'silent' }),
        root, orgSlug: 'acme', folder: 'docs', workspaces: [], deleteBatchSize: 50,
        ...(options.uploadBufferBytes === undefined ? {} : { uploadBufferBytes: options.uploadBufferBytes }),
      });
    },
  };
}

test('upload: a small file is sent as the bytes the scan hashed, journalled with the scan stat', async (t) => {
  const f = await fixture(t);
  await writeFile(path.join(f.root, 'a.md'), 'alpha');
  await writeFile(path.join(f.root, 'b.md'), 'bravo');
  const actions = [await f.scanned('a.md'), await f.scanned('b.md')];
  await f.run(actions);
  assert.deepEqual(f.sent.map((request) => Buffer.from(request.content ?? []).toString()), ['alpha', 'bravo']);
  assert.deepEqual(f.puts.map((entry) => [entry.relativePath, entry.mtimeMs]), actions.map((action) => [action.relativePath, action.mtimeMs]));
  assert.deepEqual(f.intents.ended, ['done', 'done']);
  assert.equal(f.stats.uploaded, 2);
});

test('upload: a small file changed after the scan is not sent; it fails retryable and is not journalled', async (t) => {
  const f = await fixture(t);
  await writeFile(path.join(f.root, 'same-size.md'), 'alpha');
  await writeFile(path.join(f.root, 'grown.md'), 'bravo');
  await writeFile(path.join(f.root, 'shrunk.md'), 'charlie');
  await writeFile(path.join(f.root, 'kept.md'), 'kept');
  const actions = [await f.scanned('same-size.md'), await f.scanned('grown.md'), await f.scanned('shrunk.md'), await f.scanned('kept.md')];
  await writeFile(path.join(f.root, 'same-size.md'), 'ALPHA');
  // Grown with the same first bytes: those alone still match the scan's hash.
  await appendFile(path.join(f.root, 'grown.md'), ' and more');
  await writeFile(path.join(f.root, 'shrunk.md'), 'cha');
  await f.run(actions);
  assert.deepEqual(f.sent.map((request) => request.filePath), [path.join(f.root, 'kept.md')], 'only the unchanged file was sent');
  assert.deepEqual(f.puts.map((entry) => entry.relativePath), ['kept.md']);
  assert.deepEqual(f.stats.failures.map((failure) => [failure.relativePath, failure.retryable]), [['same-size.md', true], ['grown.md', true], ['shrunk.md', true]]);
  assert.match(f.stats.failures[0]!.message, /changed after it was scanned/);
  assert.equal(f.intents.begun, 1, 'no intent for an upload that sent nothing');
});

test('upload: a streamed file that changes while it is sent is journalled with a stat that cannot match', async (t) => {
  const f = await fixture(t);
  await writeFile(path.join(f.root, 'big.md'), 'x'.repeat(2048));
  const action = await f.scanned('big.md');
  await f.run([action], {
    uploadBufferBytes: 1024,
    onUpload: async (request) => {
      assert.equal(request.content, undefined, 'above the threshold the file is streamed from its path');
      await appendFile(request.filePath, 'y');
    },
  });
  assert.deepEqual(f.puts.map((entry) => [entry.relativePath, entry.mtimeMs]), [['big.md', -1]], 'the next pass re-hashes it');
});

test('upload: the pacer is handed a bounded number of uploads at once, not the whole plan', async (t) => {
  // Each request queued in the pacer holds a listener on the run's abort signal, and adding one
  // costs time linear in those already there: a 10,000-file plan queued at once cost seconds.
  const f = await fixture(t);
  const actions: UploadAction[] = [];
  for (let index = 0; index < 100; index += 1) {
    await writeFile(path.join(f.root, `f${index}.md`), `file ${index}`);
    actions.push(await f.scanned(`f${index}.md`));
  }
  const pacer = new Pacer({ retries: 0, ratePerSecond: 0, concurrency: 1 });
  let deepest = 0;
  await f.run(actions, { pacer, onUpload: async () => { deepest = Math.max(deepest, pacer.depth); } });
  assert.equal(f.stats.uploaded, 100);
  assert.deepEqual(f.sent.map((request) => request.filePath), actions.map((action) => path.join(f.root, action.relativePath)), 'sent in plan order');
  assert.ok(deepest > 1, `uploads wait in the pacer's queue (deepest ${deepest})`);
  assert.ok(deepest <= 32, `at most max(32, 4 × concurrency) uploads in the pacer at once, saw ${deepest}`);
});
