/** Paged folder listings (contract §6.13, §13 U2): the client against the emulator's paging model. */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { pageOf } from '../../src/emulator/paging.js';
import { Pacer } from '../../src/executor/pacer.js';
import type { StoredDocument } from '../../src/emulator/state.js';
import { clientFor } from './helpers.js';

const FOLDER = 'paged';

/** Put `count` documents into a fresh folder, straight into the emulator's state. */
function fillFolder(emu: EmulatorHandle, folder: string, count: number): StoredDocument[] {
  emu.state.createFolder('acme', folder);
  const documents: StoredDocument[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const storedName = `file-${i}.txt-${id}.json`;
    const doc: StoredDocument = {
      id, docpath: `acme/${folder}/${storedName}`, folder, storedName, orgSlug: 'acme', title: `dir/file-${i}.txt`, docAuthor: 'Unknown',
      description: 'Unknown', docSource: `lumensync:v1:${i}`, chunkSource: `file-${i}.txt`, url: 'file:///x', published: '1/1/2026', sha256: '0'.repeat(64),
      bytes: 1, createdAt: '2026-01-01T00:00:00.000Z', wordCount: 1, tokenCountEstimate: 1,
    };
    emu.state.addDocument(doc);
    documents.push(doc);
  }
  return documents;
}

describe('paged folder listing against the emulator', () => {
  let emu: EmulatorHandle;
  let folderSeq = 0;
  before(async () => { emu = await startEmulator(); });
  after(() => emu.close());
  beforeEach(() => emu.setFaults({}));

  /** The queries of the folder-listing requests made since `from`. */
  const listingQueries = (folder: string, from: number): string[] =>
    emu.requestLog.slice(from).filter((entry) => entry.path.endsWith(`/documents/folder/${folder}`)).map((entry) => entry.query ?? '');

  const sorted = (values: string[]): string[] => [...values].sort();

  for (const count of [0, 1, 999, 1000, 1001]) {
    it(`${count} documents: every one listed once, ${Math.max(1, Math.ceil(count / 1000))} page(s) of 1000`, async () => {
      const folder = `${FOLDER}-${count}`;
      const stored = fillFolder(emu, folder, count);
      const client = clientFor(emu.url);
      const from = emu.requestLog.length;
      const listing = await client.listFolderCompact('acme', folder);
      await client.close();
      assert.equal(listing.exists, true);
      assert.equal(listing.documents.length, count);
      assert.deepEqual(sorted(listing.documents.map((doc) => doc.docpath)), sorted(stored.map((doc) => doc.docpath)));
      const byDocpath = new Map(stored.map((doc) => [doc.docpath, doc]));
      for (const doc of listing.documents) assert.deepEqual(doc, { docpath: doc.docpath, title: byDocpath.get(doc.docpath)?.title, docSource: byDocpath.get(doc.docpath)?.docSource, docAuthor: byDocpath.get(doc.docpath)?.docAuthor });
      // The listing's own index (the planner's, and what dropped repeats): the same objects, in order.
      assert.deepEqual([...(listing.byDocpath?.keys() ?? [])], listing.documents.map((doc) => doc.docpath));
      for (const doc of listing.documents) assert.equal(listing.byDocpath?.get(doc.docpath), doc);
      const pages = Math.max(1, Math.ceil(count / 1000));
      assert.deepEqual(sorted(listingQueries(folder, from)), Array.from({ length: pages }, (_, page) => `offset=${page * 1000}&limit=1000`));
    });
  }

  it('an unknown folder is exists:false after one request', async () => {
    const client = clientFor(emu.url);
    assert.deepEqual(await client.listFolderCompact('acme', 'no-such-folder'), { folder: 'no-such-folder', exists: false, documents: [] });
    await client.close();
  });

  it('short pages (items dropped after slicing): pages by offset += limit, nothing skipped or repeated', async () => {
    const folder = `short-${(folderSeq += 1)}`;
    const stored = fillFolder(emu, folder, 2500);
    emu.setFaults({ unlistedRate: 0.3 });
    const expected = pageOf(stored, new URLSearchParams('limit=all'), 'all', { unlistedRate: 0.3 }, (doc) => doc.docpath).items;
    assert.ok(expected.length > 1500 && expected.length < 2000, `the draw drops about 30 % (kept ${expected.length})`);
    const client = clientFor(emu.url);
    const from = emu.requestLog.length;
    const listing = await client.listFolderCompact('acme', folder);
    await client.close();
    assert.deepEqual(sorted(listing.documents.map((doc) => doc.docpath)), sorted(expected.map((doc) => doc.docpath)));
    assert.deepEqual(sorted(listingQueries(folder, from)), ['offset=0&limit=1000', 'offset=1000&limit=1000', 'offset=2000&limit=1000']);
  });

  it('a page emptied by the drops is not the end when totalCount says more follow', async () => {
    const folder = `emptied-${(folderSeq += 1)}`;
    const stored = fillFolder(emu, folder, 30);
    // Page size 1 with 60 % dropped: some pages arrive empty, with hasMore and totalCount.
    emu.setFaults({ unlistedRate: 0.6 });
    const expected = pageOf(stored, new URLSearchParams('limit=all'), 'all', { unlistedRate: 0.6 }, (doc) => doc.docpath).items;
    const client = clientFor(emu.url, { listPageSize: 1 });
    const from = emu.requestLog.length;
    const listing = await client.listFolderCompact('acme', folder);
    await client.close();
    assert.ok(expected.length < 30 && expected.length > 0);
    assert.deepEqual(sorted(listing.documents.map((doc) => doc.docpath)), sorted(expected.map((doc) => doc.docpath)));
    assert.equal(listingQueries(folder, from).length, 30);
  });

  it('a server that ignores paging answers everything at once: one request, every document', async () => {
    const folder = `all-at-once-${(folderSeq += 1)}`;
    const stored = fillFolder(emu, folder, 2500);
    emu.setFaults({ ignorePaging: true });
    const client = clientFor(emu.url);
    const from = emu.requestLog.length;
    const listing = await client.listFolderCompact('acme', folder);
    await client.close();
    assert.deepEqual(sorted(listing.documents.map((doc) => doc.docpath)), sorted(stored.map((doc) => doc.docpath)));
    assert.equal(listingQueries(folder, from).length, 1);
  });

  it('a server whose hasMore never ends: stops after the last document, once pages are empty past totalCount', async () => {
    const folder = `endless-${(folderSeq += 1)}`;
    const stored = fillFolder(emu, folder, 1500);
    emu.setFaults({ endlessHasMore: true });
    const client = clientFor(emu.url);
    const from = emu.requestLog.length;
    const listing = await client.listFolderCompact('acme', folder);
    await client.close();
    assert.equal(listing.documents.length, stored.length);
    assert.deepEqual(sorted(listingQueries(folder, from)), ['offset=0&limit=1000', 'offset=1000&limit=1000', 'offset=2000&limit=1000']);
  });

  it('each page is its own paced, retried request: a failed page is asked again, not the whole listing', async () => {
    const folder = `retried-${(folderSeq += 1)}`;
    const stored = fillFolder(emu, folder, 5000);
    emu.setFaults({ errorRate: 0.3, faultSeed: 7 });
    const pacer = new Pacer({ ratePerSecond: 0, minBackoffMs: 1, maxBackoffMs: 5, retries: 20 });
    const client = clientFor(emu.url);
    const from = emu.requestLog.length;
    const listing = await client.listFolderCompact('acme', folder, (request) => pacer.run('list-folder', request));
    await client.close();
    assert.deepEqual(sorted(listing.documents.map((doc) => doc.docpath)), sorted(stored.map((doc) => doc.docpath)));
    const requests = emu.requestLog.slice(from).filter((entry) => entry.path.endsWith(`/documents/folder/${folder}`));
    const failed = requests.filter((entry) => entry.status === 500);
    assert.ok(failed.length > 0, 'faults were injected');
    assert.equal(requests.length - failed.length, 5, 'one successful request per page');
  });

  it('listFolder (every field) pages the same way and keeps the metadata', async () => {
    const folder = `full-${(folderSeq += 1)}`;
    const [first] = fillFolder(emu, folder, 1001);
    const listing = await clientFor(emu.url, { listPageSize: 500 }).listFolder('acme', folder);
    assert.equal(listing.documents.length, 1001);
    const again = listing.documents.find((doc) => doc.docpath === first?.docpath);
    assert.deepEqual([again?.chunkSource, again?.docAuthor, again?.id], [first?.chunkSource, first?.docAuthor, first?.id]);
  });

  it('the emulator models each endpoint\'s default page: D4 all, D3 ?folder= 100 (contract §13 U2)', async () => {
    const folder = `defaults-${(folderSeq += 1)}`;
    fillFolder(emu, folder, 150);
    const get = async (path: string): Promise<{ documents: unknown[]; totalCount: number; hasMore: boolean }> => {
      const response = await fetch(`${emu.url}/api/v1/org/61636d65/${path}`, { headers: { authorization: 'Bearer lumensync-dev-key', 'x-account-id': '11111111-2222-3333-4444-555555555555' } });
      assert.equal(response.status, 200);
      return (await response.json()) as { documents: unknown[]; totalCount: number; hasMore: boolean };
    };
    const d4 = await get(`documents/folder/${folder}`);
    assert.deepEqual([d4.documents.length, d4.totalCount, d4.hasMore], [150, 150, false]);
    const d3 = await get(`documents?folder=${folder}`);
    assert.deepEqual([d3.documents.length, d3.totalCount, d3.hasMore], [100, 150, true]);
    const last = await get(`documents?folder=${folder}&offset=100`);
    assert.deepEqual([last.documents.length, last.hasMore], [50, false]);
    emu.setFaults({ listPageDefault: 20 });
    assert.equal((await get(`documents/folder/${folder}`)).documents.length, 20);
    emu.setFaults({ listPageMax: 50 });
    const refused = await fetch(`${emu.url}/api/v1/org/61636d65/documents/folder/${folder}?limit=51`, { headers: { authorization: 'Bearer lumensync-dev-key', 'x-account-id': '11111111-2222-3333-4444-555555555555' } });
    assert.equal(refused.status, 400);
  });
});
