/** removeDocuments against a fake remote: a batch refused as a whole is split, so one bad entry fails alone (issue 15). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { RemoteError } from '../../src/errors.js';
import { Pacer } from '../../src/executor/pacer.js';
import type { JournalPort, RemotePort } from '../../src/executor/ports.js';
import { removeDocuments } from '../../src/executor/removals.js';
import { Stats } from '../../src/stats/stats.js';
import type { BatchResult } from '../../src/api/types.js';

const journal: JournalPort = {
  get: () => undefined, byDocpath: () => undefined, put: () => undefined, delete: () => undefined, move: () => undefined,
  beginIntent: (intent) => ({ ...intent, id: String(Math.random()), at: 0 }), endIntent: () => undefined,
};

test('removals: a remove-files refused as a whole is sent in halves; only the entry the server refuses fails', async () => {
  const gone: string[] = [];
  const requests: string[][] = [];
  const remote = {
    removeFiles: (_org: string, docpaths: string[]): Promise<BatchResult> => {
      requests.push(docpaths);
      if (docpaths.includes('acme/d/bad.json')) {
        return Promise.reject(new RemoteError('refused', { kind: 'validation', status: 400, method: 'DELETE', url: 'remove-files', retryable: false }));
      }
      gone.push(...docpaths);
      return Promise.resolve({ status: 200, partial: false, purged: docpaths, failed: [], message: undefined });
    },
  } as unknown as RemotePort;
  const stats = new Stats();
  const docpaths = ['a', 'b', 'bad', 'c', 'd', 'e', 'f'].map((name) => `acme/d/${name}.json`);
  const removed = await removeDocuments(
    { remote, journal, pacer: new Pacer({ retries: 0, ratePerSecond: 0 }), stats, log: pino({ level: 'silent' }), orgSlug: 'acme', batchSize: 50 },
    docpaths.map((docpath) => ({ docpath })),
  );
  assert.equal(removed, 6);
  assert.deepEqual(gone.sort(), docpaths.filter((docpath) => !docpath.includes('bad')).sort());
  assert.deepEqual(stats.failures.map((failure) => failure.docpath), ['acme/d/bad.json']);
  assert.ok(requests.length <= 2 * Math.ceil(Math.log2(docpaths.length)) + 1, `${requests.length} requests`);
});
