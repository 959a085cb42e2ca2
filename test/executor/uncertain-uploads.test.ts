/**
 * The folder lookups after uncertain answers keep only the documents they look for (a folder can
 * list 1,000,000), and a listing the pacer retries starts afresh: a document counted twice would
 * read as an upload applied twice, and the "duplicate" would be removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemoteError } from '../../src/errors.js';
import { Pacer } from '../../src/executor/pacer.js';
import { carriesOneOf, findApplied, listKept, type FolderLister } from '../../src/executor/uncertain-uploads.js';
import { uploadMetadataFor } from '../../src/core/marker.js';
import type { ListedDocument } from '../../src/api/types.js';
import type { UploadAction } from '../../src/core/plan-types.js';

const H = (c: string): string => c.repeat(64);
const document = (name: string, relativePath: string, sha256: string): ListedDocument =>
  ({ docpath: `acme/mirror/${name}.json`, ...uploadMetadataFor(relativePath, sha256) });
const upload = (relativePath: string, sha256: string): UploadAction => ({ kind: 'upload', relativePath, sha256, size: 1, mtimeMs: 1 });

test('listKept: a 20,000-document folder yields only the documents carrying the uncertain uploads; a retried listing counts them once', async () => {
  const uncertain = [upload('a.md', H('a')), upload('b.md', H('b'))];
  const folder: ListedDocument[] = Array.from({ length: 20_000 }, (_, index) => document(`other-${index}`, `other-${index}.md`, H('c')));
  folder.splice(5_000, 0, document('a-1', 'a.md', H('a')));
  folder.splice(15_000, 0, document('a-2', 'a.md', H('a')), document('b-stale', 'b.md', H('d')));
  let attempts = 0;
  const lister: FolderLister = {
    forEachFolderDocument: (_org, _folder, onDocument) => {
      attempts += 1;
      // The first attempt fails half-way, after handing over the first a-copy.
      for (const [index, listed] of folder.entries()) {
        if (attempts === 1 && index === 10_000) return Promise.reject(new RemoteError('reset', { kind: 'network', method: 'GET', url: 'folder', retryable: true }));
        onDocument(listed);
      }
      return Promise.resolve({ exists: true });
    },
  };
  const pacer = new Pacer({ retries: 2, ratePerSecond: 0, minBackoffMs: 1, maxBackoffMs: 1 });
  const listed = await pacer.run('list-folder', listKept(lister, 'acme', 'mirror', carriesOneOf(uncertain)));
  assert.equal(attempts, 2);
  assert.deepEqual(listed.map((kept) => kept.docpath), ['acme/mirror/a-1.json', 'acme/mirror/a-2.json']);
  const findings = findApplied(listed, uncertain.map((action) => ({ action, error: new Error('answer lost') })), { byDocpath: () => undefined });
  // a.md was applied twice (the second copy is a duplicate to remove); b.md was not applied (another content).
  assert.deepEqual(findings.get(uncertain[0]!), ['acme/mirror/a-1.json', 'acme/mirror/a-2.json']);
  assert.deepEqual(findings.get(uncertain[1]!), []);
});
