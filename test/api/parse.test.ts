import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ResponseShapeError,
  normaliseDocpath,
  parseDocument,
  parseDocumentTree,
  parseFolderPage,
  parseOrganization,
  parseOrganizations,
  parseUploadedDocuments,
  parseWorkspace,
  parseWorkspaceDetail,
  parseWorkspaces,
  serverMessageOf,
} from '../../src/api/parse.js';

const ACME = { id: 12, name: 'Acme Corp', slug: '61636d65', originalSlug: 'acme' };
const ACME_PARSED = { orgSlug: 'acme', orgSlugHex: '61636d65', name: 'Acme Corp', id: 12 };
const STORED = 'q3-report.pdf-6e8be64c-c162-4b43-9997-b068c0071e8b.json';
const SUPPORT = { id: 79, name: 'Support Bot', slug: '737570706f72742d626f74', originalSlug: 'support-bot' };
const SUPPORT_PARSED = { workspaceSlug: 'support-bot', workspaceSlugHex: '737570706f72742d626f74', name: 'Support Bot', id: 79 };

describe('serverMessageOf', () => {
  const cases: { label: string; body: unknown; expected: string }[] = [
    { label: 'message', body: { success: false, message: 'name is required' }, expected: 'name is required' },
    { label: 'error when no message', body: { success: false, error: 'No valid api key found.' }, expected: 'No valid api key found.' },
    { label: 'null message falls to error', body: { message: null, error: 'bad' }, expected: 'bad' },
    { label: 'neither → status text', body: { success: false }, expected: 'Bad Request' },
    { label: 'empty body → status text', body: undefined, expected: 'Bad Request' },
    { label: 'short plain text body', body: 'Not Found', expected: 'Not Found' },
    { label: 'HTML body → status text', body: '<html><body>502 Bad Gateway</body></html>', expected: 'Bad Request' },
  ];
  for (const { label, body, expected } of cases) it(label, () => assert.equal(serverMessageOf(body, 'Bad Request'), expected));
});

describe('normaliseDocpath', () => {
  const cases: { label: string; value: string; expected: string }[] = [
    { label: 'two segments get the org prefix', value: `custom-documents/${STORED}`, expected: `acme/custom-documents/${STORED}` },
    { label: 'full docpath unchanged', value: `acme/custom-documents/${STORED}`, expected: `acme/custom-documents/${STORED}` },
    { label: 'leading slash dropped', value: `/custom-documents/${STORED}`, expected: `acme/custom-documents/${STORED}` },
  ];
  for (const { label, value, expected } of cases) it(label, () => assert.equal(normaliseDocpath(value, 'acme'), expected));
});

describe('parseOrganizations / parseOrganization', () => {
  const lists: { label: string; body: unknown }[] = [
    { label: 'organizations wrapper', body: { organizations: [ACME] } },
    { label: 'orgs wrapper', body: { orgs: [ACME] } },
    { label: 'data wrapper', body: { data: [ACME] } },
    { label: 'bare array', body: [ACME] },
  ];
  for (const { label, body } of lists) it(`list: ${label}`, () => assert.deepEqual(parseOrganizations(body), [ACME_PARSED]));

  const singles: { label: string; body: unknown }[] = [
    { label: 'organization wrapper', body: { organization: ACME } },
    { label: 'org wrapper', body: { org: ACME } },
    { label: 'bare object', body: ACME },
  ];
  for (const { label, body } of singles) it(`single: ${label}`, () => assert.deepEqual(parseOrganization(body), ACME_PARSED));

  const slugVariants: { label: string; item: unknown; orgSlug: string; orgSlugHex: string }[] = [
    { label: 'only originalSlug → hex computed', item: { originalSlug: 'niño' }, orgSlug: 'niño', orgSlugHex: '6e69c3b16f' },
    { label: 'only hex slug → original decoded', item: { slug: '61636d65' }, orgSlug: 'acme', orgSlugHex: '61636d65' },
    { label: 'slug holds the original → hex computed', item: { slug: 'acme-inc', originalSlug: 'acme-inc' }, orgSlug: 'acme-inc', orgSlugHex: '61636d652d696e63' },
  ];
  for (const { label, item, orgSlug, orgSlugHex } of slugVariants) {
    it(label, () => {
      const [org] = parseOrganizations([item]);
      assert.equal(org?.orgSlug, orgSlug);
      assert.equal(org?.orgSlugHex, orgSlugHex);
    });
  }

  const broken: { label: string; body: unknown }[] = [
    { label: 'no list at all', body: { success: true } },
    { label: 'item without slugs', body: { organizations: [{ name: 'x' }] } },
    { label: 'null body', body: undefined },
  ];
  for (const { label, body } of broken) it(`shape error: ${label}`, () => assert.throws(() => parseOrganizations(body), ResponseShapeError));
});

describe('workspaces', () => {
  const lists: { label: string; body: unknown }[] = [
    { label: 'workspaces wrapper', body: { workspaces: [SUPPORT] } },
    { label: 'bare array', body: [SUPPORT] },
  ];
  for (const { label, body } of lists) it(`list: ${label}`, () => assert.deepEqual(parseWorkspaces(body), [SUPPORT_PARSED]));

  const created: { label: string; body: unknown }[] = [
    { label: 'workspace object + message', body: { workspace: SUPPORT, message: 'Workspace created' } },
    { label: 'workspace as one-element array', body: { workspace: [SUPPORT] } },
    { label: 'bare object', body: SUPPORT },
  ];
  for (const { label, body } of created) it(`single: ${label}`, () => assert.deepEqual(parseWorkspace(body), SUPPORT_PARSED));

  it('W1: array-wrapped workspace with docpaths, two-segment ones prefixed', () => {
    const body = {
      workspace: [
        {
          ...SUPPORT,
          documents: [{ docpath: `acme/custom-documents/${STORED}` }, { docpath: `policies/${STORED}` }, { filename: 'no-docpath.json' }],
        },
      ],
    };
    assert.deepEqual(parseWorkspaceDetail(body, 'acme'), { ...SUPPORT_PARSED, docpaths: [`acme/custom-documents/${STORED}`, `acme/policies/${STORED}`] });
  });

  it('W1: no documents key → no docpaths', () => assert.deepEqual(parseWorkspaceDetail({ workspace: SUPPORT }, 'acme').docpaths, []));
  it('W1: empty array → shape error', () => assert.throws(() => parseWorkspaceDetail({ workspace: [] }, 'acme'), ResponseShapeError));
});

const ITEM = {
  name: STORED,
  type: 'file',
  id: '6e8be64c-c162-4b43-9997-b068c0071e8b',
  title: 'reports/q3-report.pdf',
  docAuthor: 'Unknown',
  description: 'Unknown',
  docSource: 'sync:abc',
  chunkSource: 'q3-report.pdf',
};
const ITEM_PARSED = {
  docpath: `acme/custom-documents/${STORED}`,
  folder: 'custom-documents',
  storedName: STORED,
  title: 'reports/q3-report.pdf',
  docSource: 'sync:abc',
  chunkSource: 'q3-report.pdf',
  description: 'Unknown',
  docAuthor: 'Unknown',
  id: '6e8be64c-c162-4b43-9997-b068c0071e8b',
};

describe('documents', () => {
  it('D3 tree flattened with {org}/{folder}/{name}', () => {
    const body = {
      localFiles: {
        name: 'documents',
        type: 'folder',
        items: [
          { name: 'custom-documents', type: 'folder', items: [ITEM] },
          { name: 'empty', type: 'folder', items: [] },
          { name: 'policies', type: 'folder', items: [{ name: 'p.json', type: 'file' }] },
        ],
      },
    };
    const documents = parseDocumentTree(body, 'acme');
    assert.deepEqual(documents[0], ITEM_PARSED);
    assert.deepEqual(documents.map((document) => document.docpath), [`acme/custom-documents/${STORED}`, 'acme/policies/p.json']);
  });

  it('D3 metadata given as a JSON string is read', () => {
    const body = { localFiles: { items: [{ name: 'f', items: [{ name: 'x.json', metadata: '{"title":"a/b.txt","docSource":"sync:1"}' }] }] } };
    const [document] = parseDocumentTree(body, 'acme');
    assert.equal(document?.title, 'a/b.txt');
    assert.equal(document?.docSource, 'sync:1');
  });

  it('D3 without a tree → shape error', () => assert.throws(() => parseDocumentTree({ success: true }, 'acme'), ResponseShapeError));

  const pages: { label: string; body: unknown; hasMore: boolean; count: number }[] = [
    { label: 'documents + hasMore false', body: { folder: 'custom-documents', documents: [ITEM], totalCount: 1, hasMore: false }, hasMore: false, count: 1 },
    { label: 'hasMore true', body: { documents: [ITEM], hasMore: true }, hasMore: true, count: 1 },
    { label: 'no hasMore key', body: { documents: [ITEM, { ...ITEM, name: 'b.json' }] }, hasMore: false, count: 2 },
    { label: 'bare array', body: [ITEM], hasMore: false, count: 1 },
  ];
  for (const { label, body, hasMore, count } of pages) {
    it(`D4 page: ${label}`, () => {
      const page = parseFolderPage(body, 'acme', 'custom-documents');
      assert.equal(page.hasMore, hasMore);
      assert.equal(page.documents.length, count);
      assert.deepEqual(page.documents[0], ITEM_PARSED);
    });
  }

  it('D5 document wrapper', () => assert.deepEqual(parseDocument({ document: { ...ITEM, docpath: `custom-documents/${STORED}` } }, 'acme', undefined), ITEM_PARSED));
  it('D5 without name or docpath → shape error', () => assert.throws(() => parseDocument({ document: {} }, 'acme', undefined), ResponseShapeError));
});

describe('parseUploadedDocuments', () => {
  const cases: { label: string; body: unknown; folder: string; expected: string[] }[] = [
    { label: 'full location', body: { success: true, error: null, documents: [{ location: `acme/custom-documents/${STORED}`, name: STORED, title: 'q3-report.pdf' }] }, folder: 'custom-documents', expected: [`acme/custom-documents/${STORED}`] },
    { label: 'two-segment location prefixed', body: { documents: [{ location: `custom-documents/${STORED}` }] }, folder: 'custom-documents', expected: [`acme/custom-documents/${STORED}`] },
    { label: 'name only → folder inferred', body: { documents: [{ name: STORED }] }, folder: 'reports', expected: [`acme/reports/${STORED}`] },
    { label: 'several documents (mbox)', body: { documents: [{ location: 'acme/f/a.json' }, { location: 'acme/f/b.json' }] }, folder: 'f', expected: ['acme/f/a.json', 'acme/f/b.json'] },
  ];
  for (const { label, body, folder, expected } of cases) {
    it(label, () => assert.deepEqual(parseUploadedDocuments(body, 'acme', folder).map((document) => document.docpath), expected));
  }
  it('storedName and title', () => {
    assert.deepEqual(parseUploadedDocuments({ documents: [{ location: `acme/custom-documents/${STORED}`, title: 't' }] }, 'acme', 'custom-documents'), [
      { docpath: `acme/custom-documents/${STORED}`, storedName: STORED, title: 't' },
    ]);
  });
  const broken: { label: string; body: unknown }[] = [
    { label: 'empty documents', body: { success: true, documents: [] } },
    { label: 'no documents key', body: { success: true } },
    { label: 'document without location or name', body: { documents: [{ title: 'x' }] } },
  ];
  for (const { label, body } of broken) it(`shape error: ${label}`, () => assert.throws(() => parseUploadedDocuments(body, 'acme', 'custom-documents'), ResponseShapeError));
});
