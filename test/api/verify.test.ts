import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADD_NOT_EMBEDDED_REASON, DELETE_NOT_APPLIED_REASON, checkEmbeddings, checkMoves } from '../../src/api/verify.js';
import type { BatchResult, FolderListing, RemoteDocument } from '../../src/api/types.js';

const A = 'acme/custom-documents/a.json';
const B = 'acme/custom-documents/b.json';
const OLD = 'acme/custom-documents/old.json';
const clean = (purged: string[]): BatchResult => ({ status: 200, partial: false, purged, failed: [], message: undefined });
const workspaceBody = (docpaths: string[]): unknown => ({ workspace: { slug: '73', originalSlug: 's', documents: docpaths.map((docpath) => ({ docpath })) } });

describe('checkEmbeddings', () => {
  const cases: { label: string; body: unknown; adds: string[]; deletes: string[]; failed: { docpath: string; reason: string; notFound: boolean }[] }[] = [
    { label: 'all applied', body: workspaceBody([A, B]), adds: [A, B], deletes: [OLD], failed: [] },
    { label: 'no documents in answer → trusted', body: { workspace: { slug: '73', originalSlug: 's' } }, adds: [A], deletes: [], failed: [] },
    { label: 'add silently skipped → notFound', body: workspaceBody([A]), adds: [A, B], deletes: [], failed: [{ docpath: B, reason: ADD_NOT_EMBEDDED_REASON, notFound: true }] },
    { label: 'delete that stayed → failed', body: workspaceBody([OLD]), adds: [], deletes: [OLD], failed: [{ docpath: OLD, reason: DELETE_NOT_APPLIED_REASON, notFound: false }] },
    { label: 'same docpath deleted and added stays on purpose', body: workspaceBody([A]), adds: [A], deletes: [A], failed: [] },
    { label: 'two-segment docpaths in answer normalised', body: workspaceBody(['custom-documents/a.json']), adds: [A], deletes: [], failed: [] },
  ];
  for (const { label, body, adds, deletes, failed } of cases) {
    it(label, () => {
      const result = checkEmbeddings(clean([...deletes, ...adds]), body, 'acme', adds, deletes);
      assert.deepEqual(result.failed.map(({ docpath, reason, notFound }) => ({ docpath, reason, notFound })), failed);
      assert.equal(result.partial, failed.length > 0);
      for (const entry of failed) assert.ok(!result.purged.includes(entry.docpath));
    });
  }

  it('a 207 is returned as the server said', () => {
    const partial: BatchResult = { status: 207, partial: true, purged: [], failed: [{ docpath: A, reason: 'x', notFound: false, retryable: true }], message: undefined };
    assert.equal(checkEmbeddings(partial, workspaceBody([]), 'acme', [A, B], []), partial);
  });
});

const doc = (docpath: string): RemoteDocument => ({
  docpath,
  folder: docpath.split('/')[1] ?? '',
  storedName: docpath.split('/')[2] ?? '',
  title: undefined,
  docSource: undefined,
  chunkSource: undefined,
  description: undefined,
  docAuthor: undefined,
  id: undefined,
});

describe('checkMoves', () => {
  const moves = [
    { from: A, to: 'acme/reports/a.json' },
    { from: B, to: 'acme/reports/b.json' },
  ];
  const listing = (docpaths: string[]) => async (folder: string): Promise<FolderListing> => ({ folder, exists: true, documents: docpaths.map(doc) });

  it('"1/2 files not moved" → the one missing at the target fails, not retryable', async () => {
    const result = await checkMoves({ ...clean([A, B]), message: '1/2 files not moved. Unembed them from all workspaces.' }, 'acme', moves, listing(['acme/reports/a.json']));
    assert.deepEqual(result.purged, [A]);
    assert.equal(result.partial, true);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]?.docpath, B);
    assert.equal(result.failed[0]?.retryable, false);
  });

  it('clean answer without the message: no listing', async () => {
    let listed = false;
    const result = await checkMoves(clean([A, B]), 'acme', moves, async (folder) => {
      listed = true;
      return { folder, exists: true, documents: [] };
    });
    assert.equal(listed, false);
    assert.deepEqual(result.purged, [A, B]);
  });

  it('"0/2 files not moved" is a clean answer', async () => {
    const result = await checkMoves({ ...clean([A, B]), message: '0/2 files not moved.' }, 'acme', moves, listing([]));
    assert.equal(result.partial, false);
  });
});
