/** The streamed folder-page parser reads what the buffered parser reads, whatever the chunking. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FolderPageParser, parseFolderPageStream, type ListingFields } from '../../src/api/listing-stream.js';
import { WorkspaceDocpathsParser } from '../../src/api/workspace-stream.js';
import { ResponseShapeError, parseFolderPage, parseWorkspaceDetail } from '../../src/api/parse.js';
import type { RemoteDocument } from '../../src/api/types.js';

const STORED = 'q3-report.pdf-6e8be64c-c162-4b43-9997-b068c0071e8b.json';
const ITEM = {
  name: STORED, type: 'file', id: '6e8be64c', url: 'file:///app/collector/hotdir/q3-report.pdf', title: 'reports/q3 – “été” 📄.pdf',
  docAuthor: 'Unknown', description: 'Unknown', docSource: 'lumensync:v1:abc', chunkSource: 'q3-report.pdf', published: '1/10/2025, 9:31:00 AM',
  wordCount: 93, token_count_estimate: 115, cached: false, canWatch: false, pinnedWorkspaces: [{ slug: 'x', nested: [1, { deep: 'y' }] }], watched: false,
};

/** Bodies in the shapes parse.ts tolerates, and some it skips items of. */
const BODIES: { label: string; body: unknown }[] = [
  { label: 'upstream page', body: { folder: 'f', documents: [ITEM, { ...ITEM, name: 'b.json' }], totalCount: 9, hasMore: true } },
  { label: 'hasMore before documents', body: { hasMore: false, totalCount: 1, documents: [ITEM] } },
  { label: 'items instead of documents', body: { items: [ITEM], hasMore: true } },
  { label: 'documents null, items present', body: { documents: null, items: [ITEM] } },
  { label: 'bare array', body: [ITEM, ITEM] },
  { label: 'docpath and location', body: { documents: [{ docpath: `f/${STORED}`, title: 't' }, { location: 'acme/f/l.json', docSource: 's' }] } },
  { label: 'metadata as an object', body: { documents: [{ name: 'm.json', metadata: { title: 'from-meta', docSource: 'src', extra: { big: [1, 2] } } }] } },
  { label: 'metadata as a JSON string, flat fields win', body: { documents: [{ name: 'm.json', title: 'flat', metadata: '{"title":"inner","docSource":"inner-src"}' }] } },
  { label: 'non-object items and nameless items skipped', body: { documents: [1, 'x', null, [ITEM], { title: 'no name' }, ITEM] } },
  { label: 'numeric id, null fields', body: { documents: [{ ...ITEM, id: 42, title: null, docSource: 7 }] } },
  { label: 'empty page', body: { folder: 'f', documents: [], totalCount: 0, hasMore: false } },
  { label: 'escapes in strings', body: { documents: [{ name: 'a"b é.json', title: 'quote " back \\ tab \t new\nline' }] } },
];

const streamed = (text: string, fields: ListingFields, chunkSize: number): { documents: RemoteDocument[]; info: ReturnType<FolderPageParser['end']> } => {
  const documents: RemoteDocument[] = [];
  const parser = new FolderPageParser('acme', 'f', fields, (document) => documents.push(document));
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += chunkSize) parser.write(bytes.subarray(at, at + chunkSize));
  return { documents, info: parser.end() };
};

const compact = ({ docpath, title, docSource, docAuthor }: RemoteDocument) => ({ docpath, title, docSource, docAuthor });

/** Bodies no parser may accept. */
const broken: { label: string; text: string }[] = [
  { label: 'not JSON (an HTML error page)', text: '<html><body>Bad gateway</body></html>' },
  { label: 'truncated in a string', text: '{"documents":[{"name":"a.js' },
  { label: 'truncated between items', text: '{"documents":[{"name":"a.json"},' },
  { label: 'empty body', text: '' },
  { label: 'no document list', text: '{"success":true,"message":null}' },
  { label: 'a bare string', text: '"documents"' },
  { label: 'two values', text: '{"documents":[]}{"documents":[]}' },
];

describe('FolderPageParser', () => {
  for (const { label, body } of BODIES) {
    it(`${label}: same documents, hasMore and totalCount as parseFolderPage, in any chunking`, () => {
      const expected = parseFolderPage(body, 'acme', 'f');
      for (const chunkSize of [1, 7, 65_536]) {
        const full = streamed(JSON.stringify(body, null, chunkSize === 7 ? 2 : undefined), 'full', chunkSize);
        assert.deepEqual(full.documents, expected.documents, `chunk ${chunkSize}`);
        assert.equal(full.info.hasMore, expected.hasMore);
        assert.equal(full.info.totalCount, expected.totalCount);
        assert.deepEqual(streamed(JSON.stringify(body), 'compact', chunkSize).documents.map(compact), expected.documents.map(compact));
      }
    });
  }

  it('counts the items the server sent, skipped ones included (paging is by the server\'s slice)', () => {
    assert.equal(streamed(JSON.stringify({ documents: [1, { title: 'x' }, ITEM], hasMore: true }), 'compact', 5).info.items, 3);
  });

  it('compact mode keeps only what the planner needs', () => {
    const [document] = streamed(JSON.stringify({ documents: [ITEM] }), 'compact', 64).documents;
    assert.deepEqual(document, { docpath: `acme/f/${STORED}`, folder: 'f', storedName: STORED, title: ITEM.title, docSource: ITEM.docSource, chunkSource: undefined, description: undefined, docAuthor: ITEM.docAuthor, id: undefined });
  });

  for (const { label, text } of broken) {
    it(`${label} → ResponseShapeError`, () => assert.throws(() => streamed(text, 'compact', 3), ResponseShapeError));
  }

  it('parseFolderPageStream reads an async body', async () => {
    async function* body(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('{"documents":[{"name":"a.json","title":"a"');
      yield Buffer.from('},{"name":"b.json"}],"hasMore":true,"totalCount":5}');
    }
    const seen: string[] = [];
    const info = await parseFolderPageStream(body(), 'acme', 'f', 'compact', (document) => seen.push(document.docpath));
    assert.deepEqual(seen, ['acme/f/a.json', 'acme/f/b.json']);
    assert.deepEqual(info, { items: 2, hasMore: true, totalCount: 5 });
  });
});

describe('whole-page fast path (a page under the size cap is parsed at once)', () => {
  const whole = async (text: string, fields: ListingFields, maxBytes?: number): Promise<{ documents: RemoteDocument[]; info: ReturnType<FolderPageParser['end']> }> => {
    async function* body(): AsyncGenerator<Uint8Array> {
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length; at += 5) yield bytes.subarray(at, at + 5);
    }
    const documents: RemoteDocument[] = [];
    const info = await parseFolderPageStream(body(), 'acme', 'f', fields, (document) => documents.push(document), maxBytes);
    return { documents, info };
  };
  for (const { label, body } of BODIES) {
    it(`${label}: exactly what the token stream reads (documents, items, hasMore, totalCount)`, async () => {
      for (const fields of ['full', 'compact'] as const) {
        const text = JSON.stringify(body);
        assert.deepEqual(await whole(text, fields), streamed(text, fields, 64), fields);
      }
    });
  }
  for (const { label, text } of broken) {
    it(`${label} → ResponseShapeError`, async () => assert.rejects(whole(text, 'compact'), ResponseShapeError));
  }
  it('a body past the cap is streamed instead, with the same result', async () => {
    const text = JSON.stringify(BODIES[0]!.body);
    const capped = await whole(text, 'full', 16);
    assert.deepEqual(capped, streamed(text, 'full', 64));
    // The stream, not JSON.parse, read it: only the token parser names a truncation "ended early".
    await assert.rejects(whole(text.slice(0, -1), 'full', 16), /ended early/);
    await assert.rejects(whole(text.slice(0, -1), 'full'), (error: Error) => error instanceof ResponseShapeError && !/ended early/.test(error.message));
  });
});

const EMBEDDED = [
  { id: 1, docId: 'd1', filename: 'a.json', docpath: 'acme/mirror/a.json', metadata: JSON.stringify({ title: 'a', description: 'x'.repeat(300) }), pinned: false },
  { id: 2, filename: 'b.json', docpath: 'mirror/b.json', metadata: '{}' },
  { id: 3, location: 'acme/other/c.json' },
  'acme/mirror/d.json',
  'other/e.json',
  { id: 4, metadata: '{"docpath":"acme/mirror/ignored.json"}' },
];
const WS = { id: 7, name: 'Support', slug: '737570706f7274', originalSlug: 'support', threads: [{ id: 1 }], documents: EMBEDDED };

describe('WorkspaceDocpathsParser', () => {
  const bodies: { label: string; body: unknown }[] = [
    { label: 'workspace object', body: { workspace: WS } },
    { label: 'one-element workspace array', body: { workspace: [WS] } },
    { label: 'bare workspace object', body: WS },
    { label: 'documents before the naming fields', body: { workspace: { documents: EMBEDDED, slug: 'support', id: 'x' } } },
    { label: 'no documents', body: { workspace: { slug: '737570706f7274' } } },
    { label: 'wrapper null, bare fields', body: { workspace: null, originalSlug: 'support', documents: ['acme/mirror/z.json'] } },
  ];
  const parse = (body: unknown, chunkSize: number): ReturnType<typeof parseWorkspaceDetail> => {
    const parser = new WorkspaceDocpathsParser('acme', (docpath) => docpath.startsWith('acme/mirror/'));
    const bytes = Buffer.from(JSON.stringify(body));
    for (let at = 0; at < bytes.length; at += chunkSize) parser.write(bytes.subarray(at, at + chunkSize));
    return parseWorkspaceDetail(parser.end(), 'acme');
  };
  for (const { label, body } of bodies) {
    it(`${label}: same workspace and the docpaths under the prefix`, () => {
      const expected = parseWorkspaceDetail(body, 'acme');
      for (const chunkSize of [1, 13, 65_536]) {
        assert.deepEqual(parse(body, chunkSize), { ...expected, docpaths: expected.docpaths.filter((docpath) => docpath.startsWith('acme/mirror/')) }, `chunk ${chunkSize}`);
      }
    });
  }
  for (const [label, body] of [['empty workspace array (unknown slug, U7)', { workspace: [] }], ['two workspaces', { workspace: [WS, WS] }], ['workspace is a string', { workspace: 'x' }], ['no slug', { workspace: { name: 'x' } }]] as const) {
    it(`${label} → ResponseShapeError like parseWorkspaceDetail`, () => {
      assert.throws(() => parseWorkspaceDetail(body, 'acme'), ResponseShapeError);
      assert.throws(() => parse(body, 5), ResponseShapeError);
    });
  }
});
