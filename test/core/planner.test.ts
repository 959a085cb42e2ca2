import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plan, type PlanInput, type RemoteView } from '../../src/core/planner.js';
import { scopeTest } from '../../src/core/scope-test.js';
import { uploadMetadataFor } from '../../src/core/marker.js';
import type { JournalEntry, LocalEntry, LocalListing } from '../../src/core/types.js';
import type { Action } from '../../src/core/plan-types.js';

const H = (c: string): string => c.repeat(64);
const file = (relativePath: string, hashChar: string, size = 10, mtimeMs = 1000): LocalEntry => ({ relativePath, sha256: H(hashChar), size, mtimeMs });
const listing = (entries: LocalEntry[], extra: Partial<LocalListing> = {}): LocalListing => ({
  rootStatus: 'ok', entries, errors: [], stats: { filesSeen: entries.length, filesHashed: 0, bytesHashed: 0, ignored: 0, durationMs: 0 }, ...extra,
});
const dp = (name: string): string => `acme/docs/${name}.json`;
const journalEntry = (relativePath: string, hashChar: string, docName: string, size = 10, mtimeMs = 1000): JournalEntry =>
  ({ relativePath, sha256: H(hashChar), docpath: dp(docName), size, mtimeMs });
const ours = (docName: string, relativePath: string, hashChar: string) => ({ docpath: dp(docName), ...uploadMetadataFor(relativePath, H(hashChar)) });
const remote = (documents: RemoteView['documents'], embeddings: RemoteView['embeddings'] = {}): RemoteView => ({ folderExists: true, documents, embeddings });

const input = (over: Partial<PlanInput>): PlanInput => ({
  local: listing([]), journalEntries: [], journalMeta: { workspaces: ['ws'] }, remote: remote([], { ws: [] }),
  policy: { folder: 'docs', workspaces: ['ws'], keepUnknown: false, sharedFolder: false, maxDelete: { kind: 'percent', value: 50 }, embedBatchSize: 100 },
  ...over,
});
const kinds = (actions: Action[]): string[] => actions.map((action) => action.kind);

const cases: { label: string; input: PlanInput; expect: (result: ReturnType<typeof plan>) => void }[] = [
  {
    label: 'new file is uploaded',
    input: input({ local: listing([file('a.txt', 'a')]) }),
    expect: (r) => assert.deepEqual(r.actions, [{ kind: 'upload', relativePath: 'a.txt', sha256: H('a'), size: 10, mtimeMs: 1000 }]),
  },
  {
    label: 'unchanged file does nothing',
    input: input({ local: listing([file('a.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a')], { ws: [dp('A')] }) }),
    expect: (r) => { assert.deepEqual(r.actions, []); assert.equal(r.summary.unchanged, 1); },
  },
  {
    label: 'touch (same hash, new mtime) only refreshes the journal',
    input: input({ local: listing([file('a.txt', 'a', 10, 2000)]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a')], { ws: [dp('A')] }) }),
    expect: (r) => assert.deepEqual(kinds(r.actions), ['record']),
  },
  {
    label: 'edited file is replaced upload-first',
    input: input({ local: listing([file('a.txt', 'b')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a')], { ws: [dp('A')] }) }),
    expect: (r) => assert.deepEqual(r.actions, [{ kind: 'upload', relativePath: 'a.txt', sha256: H('b'), size: 10, mtimeMs: 1000, replacesDocpath: dp('A') }]),
  },
  {
    label: 'rename keeps the document, no upload',
    input: input({ local: listing([file('b.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a')], { ws: [dp('A')] }) }),
    expect: (r) => assert.deepEqual(r.actions, [{ kind: 'rename', fromRelativePath: 'a.txt', relativePath: 'b.txt', docpath: dp('A'), size: 10, mtimeMs: 1000 }]),
  },
  {
    label: 'deleted file is removed',
    input: input({ local: listing([file('k.txt', 'k')]), journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('k.txt', 'k', 'K')], remote: remote([ours('A', 'a.txt', 'a'), ours('K', 'k.txt', 'k')], { ws: [dp('A'), dp('K')] }) }),
    expect: (r) => assert.deepEqual(r.actions, [{ kind: 'remove', docpath: dp('A'), relativePath: 'a.txt', reason: 'deleted' }]),
  },
  {
    label: 'lost upload response: our document with same title+hash is adopted, not re-uploaded',
    input: input({ local: listing([file('a.txt', 'a')]), remote: remote([ours('A', 'a.txt', 'a')], { ws: [dp('A')] }) }),
    expect: (r) => assert.deepEqual(kinds(r.actions), ['adopt']),
  },
  {
    label: 'crash duplicate: second copy of same title+hash is removed',
    input: input({ local: listing([file('a.txt', 'a')]), remote: remote([ours('A', 'a.txt', 'a'), ours('A2', 'a.txt', 'a')], { ws: [dp('A'), dp('A2')] }) }),
    expect: (r) => assert.deepEqual(r.actions.map((a) => (a.kind === 'remove' ? `${a.kind}:${a.reason}` : a.kind)), ['adopt', 'remove:duplicate']),
  },
  {
    label: 'crash between replace upload and removal: new adopted, old removed',
    input: input({ local: listing([file('a.txt', 'b')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a'), ours('B', 'a.txt', 'b')], { ws: [dp('A'), dp('B')] }) }),
    expect: (r) => assert.deepEqual(r.actions.map((a) => a.kind + ('docpath' in a ? `:${a.docpath}` : '')), [`adopt:${dp('B')}`, `remove:${dp('A')}`]),
  },
  {
    label: 'unknown document in own folder is deleted',
    input: input({ local: listing([file('a.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a'), { docpath: dp('X'), title: 'x.pdf' }], { ws: [dp('A')] }), policy: { ...input({}).policy, maxDelete: { kind: 'count', value: 5 } } }),
    expect: (r) => assert.deepEqual(r.actions, [{ kind: 'remove', docpath: dp('X'), reason: 'unknown' }]),
  },
  {
    label: '--keep-unknown keeps it',
    input: input({ local: listing([file('a.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a'), { docpath: dp('X'), title: 'x.pdf' }], { ws: [dp('A')] }), policy: { ...input({}).policy, keepUnknown: true } }),
    expect: (r) => assert.deepEqual(r.actions, []),
  },
  {
    label: 'custom-documents (shared folder) never deletes unknown documents',
    input: input({ local: listing([file('a.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a'), { docpath: dp('X') }], { ws: [dp('A')] }), policy: { ...input({}).policy, sharedFolder: true, maxDelete: { kind: 'count', value: 5 } } }),
    expect: (r) => assert.deepEqual(r.actions, []),
  },
  {
    label: 'custom-documents: another mirror\'s marked documents are left alone, our own stale ones go',
    input: input({ local: listing([file('a.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('gone.txt', 'g', 'G')], remote: remote([ours('A', 'a.txt', 'a'), ours('G', 'gone.txt', 'g'), ours('OTHER', 'their.txt', 'o')], { ws: [dp('A')] }), policy: { ...input({}).policy, sharedFolder: true, maxDelete: { kind: 'count', value: 5 } } }),
    expect: (r) => assert.deepEqual(r.actions, [{ kind: 'remove', docpath: dp('G'), relativePath: 'gone.txt', reason: 'deleted' }]),
  },
  {
    label: 'max-delete blocks deletes past 50% and says so',
    input: input({ local: listing([file('a.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('b.txt', 'b', 'B'), journalEntry('c.txt', 'c', 'C')], remote: remote([ours('A', 'a.txt', 'a'), ours('B', 'b.txt', 'b'), ours('C', 'c.txt', 'c')], { ws: [dp('A'), dp('B'), dp('C')] }) }),
    expect: (r) => { assert.deepEqual(r.actions, []); assert.equal(r.blockedRemoves.length, 2); assert.equal(r.guards[0]?.guard, 'max-delete'); assert.match(r.guards[0]?.message ?? '', /2 document\(s\) would go \(67% of the mirror\)/); },
  },
  {
    label: 'empty root with a journal (unmounted drive) blocks every delete',
    input: input({ local: listing([]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a')], { ws: [dp('A')] }), policy: { ...input({}).policy, maxDelete: { kind: 'percent', value: 100 } } }),
    expect: (r) => { assert.deepEqual(r.actions, []); assert.equal(r.guards[0]?.guard, 'root-empty'); },
  },
  {
    label: 'a scoped pass over a swapped-in empty root (issue 15) deletes nothing',
    input: input({ local: listing([], { scope: ['a.txt'], rootEmpty: true }), journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('b.txt', 'b', 'B')], remote: undefined, policy: { ...input({}).policy, maxDelete: { kind: 'percent', value: 100 } } }),
    expect: (r) => { assert.deepEqual(r.actions, []); assert.equal(r.blockedRemoves.length, 1); assert.equal(r.guards[0]?.guard, 'root-empty'); },
  },
  {
    label: 'a scoped pass in a root that still has entries deletes the scoped file',
    input: input({ local: listing([], { scope: ['a.txt'] }), journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('b.txt', 'b', 'B')], remote: undefined, policy: { ...input({}).policy, maxDelete: { kind: 'percent', value: 100 } } }),
    expect: (r) => { assert.deepEqual(kinds(r.actions), ['remove']); assert.equal(r.guards.length, 0); },
  },
  {
    label: 'another mirror\'s marked documents (issue 15) are neither adopted nor deleted, and every delete waits',
    input: input({
      local: listing([file('a.txt', 'a'), file('b.txt', 'b')]),
      journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('gone.txt', 'g', 'G')],
      remote: remote([ours('A', 'a.txt', 'a'), ours('G', 'gone.txt', 'g'), { docpath: dp('X'), ...uploadMetadataFor('b.txt', H('b'), 'bbbbbbbbbbbb') }], { ws: [dp('A')] }),
      policy: { ...input({}).policy, ownerMark: 'aaaaaaaaaaaa', maxDelete: { kind: 'percent', value: 100 } },
    }),
    expect: (r) => {
      assert.deepEqual(kinds(r.actions), ['upload']);
      assert.deepEqual(r.blockedRemoves.map((action) => action.docpath), [dp('G')]);
      assert.equal(r.guards[0]?.guard, 'foreign-mirror');
      assert.match(r.guards[0]?.hint ?? '', /its own remote folder/);
    },
  },
  {
    label: 'a document marked by this mirror, or unmarked and known to the journal, is the mirror\'s own',
    input: input({
      local: listing([file('a.txt', 'a')]),
      journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('old.txt', 'o', 'O')],
      remote: remote([{ docpath: dp('A'), ...uploadMetadataFor('a.txt', H('a'), 'aaaaaaaaaaaa') }, ours('O', 'old.txt', 'o')], { ws: [dp('A')] }),
      policy: { ...input({}).policy, ownerMark: 'aaaaaaaaaaaa', maxDelete: { kind: 'percent', value: 100 } },
    }),
    expect: (r) => { assert.equal(r.guards.length, 0); assert.deepEqual(r.actions, [{ kind: 'remove', docpath: dp('O'), relativePath: 'old.txt', reason: 'deleted' }]); },
  },
  {
    label: 'missing root blocks every delete',
    input: input({ local: listing([], { rootStatus: 'missing' }), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a')], { ws: [dp('A')] }), policy: { ...input({}).policy, maxDelete: { kind: 'percent', value: 100 } } }),
    expect: (r) => { assert.deepEqual(r.actions, []); assert.deepEqual(r.guards.map((g) => g.guard), ['root-missing']); },
  },
  {
    label: 'a local read error blocks deletes but not uploads',
    input: input({ local: listing([file('n.txt', 'n')], { errors: [{ relativePath: 'bad.txt', code: 'EACCES', message: 'denied' }] }), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a')], { ws: [dp('A')] }), policy: { ...input({}).policy, maxDelete: { kind: 'percent', value: 100 } } }),
    expect: (r) => { assert.deepEqual(kinds(r.actions), ['upload']); assert.equal(r.blockedRemoves.length, 1); assert.equal(r.guards[0]?.guard, 'local-read-errors'); },
  },
  {
    label: 'embedding drift is repaired; a workspace removed explicitly is un-embedded',
    input: input({ local: listing([file('a.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], journalMeta: { workspaces: ['old'] }, remote: remote([ours('A', 'a.txt', 'a')], { ws: [], old: [dp('A')] }), policy: { ...input({}).policy, removeWorkspaces: ['old'] } }),
    expect: (r) => { assert.deepEqual(r.actions, [{ kind: 'embed', workspaceSlug: 'ws', docpaths: [dp('A')] }, { kind: 'unembed', workspaceSlug: 'old', docpaths: [dp('A')] }]); assert.deepEqual(r.guards, []); },
  },
  {
    label: 'workspace guard: a workspace no longer named keeps its documents (held, exit 4), drift repair still runs',
    input: input({ local: listing([file('a.txt', 'a'), file('b.txt', 'b')]), journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('b.txt', 'b', 'B')], journalMeta: { workspaces: ['ws', 'sales'] }, remote: remote([ours('A', 'a.txt', 'a'), ours('B', 'b.txt', 'b')], { ws: [dp('A')], sales: [dp('A'), dp('B')] }) }),
    expect: (r) => {
      assert.deepEqual(r.actions, [{ kind: 'embed', workspaceSlug: 'ws', docpaths: [dp('B')] }]);
      assert.deepEqual(r.blockedUnembeds, [{ kind: 'unembed', workspaceSlug: 'sales', docpaths: [dp('A'), dp('B')] }]);
      assert.deepEqual(r.guards.map((g) => g.guard), ['workspace-removed']);
      assert.match(r.guards[0]!.message, /2 document\(s\) would leave workspace\(s\) sales \(2\)/);
      assert.match(r.guards[0]!.hint, /--remove-workspace sales/);
      assert.equal(r.summary.blockedUnembeds, 2);
      assert.equal(r.summary.unembeds, 0);
    },
  },
  {
    label: 'workspace guard: no workspace named at all after having two holds both, deletes are unaffected',
    input: input({ local: listing([file('a.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], journalMeta: { workspaces: ['ws', 'sales'] }, remote: remote([ours('A', 'a.txt', 'a'), { docpath: dp('X'), title: 'x.pdf' }], { ws: [dp('A')], sales: [dp('A')] }), policy: { ...input({}).policy, workspaces: [], maxDelete: { kind: 'count', value: 5 } } }),
    expect: (r) => {
      assert.deepEqual(r.actions, [{ kind: 'remove', docpath: dp('X'), reason: 'unknown' }]);
      assert.deepEqual(r.blockedUnembeds.map((a) => a.workspaceSlug), ['ws', 'sales']);
      assert.match(r.guards[0]!.message, /1 document\(s\) would leave workspace\(s\) ws \(1\), sales \(1\)/);
    },
  },
  {
    label: 'workspace guard: only the workspaces removed explicitly are un-embedded',
    input: input({ local: listing([file('a.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], journalMeta: { workspaces: ['ws', 'sales', 'old'] }, remote: remote([ours('A', 'a.txt', 'a')], { ws: [dp('A')], sales: [dp('A')], old: [dp('A')] }), policy: { ...input({}).policy, removeWorkspaces: ['old'] } }),
    expect: (r) => {
      assert.deepEqual(r.actions, [{ kind: 'unembed', workspaceSlug: 'old', docpaths: [dp('A')] }]);
      assert.deepEqual(r.blockedUnembeds.map((a) => a.workspaceSlug), ['sales']);
    },
  },
  {
    label: 'empty file: no upload, a local verdict; its earlier document stays',
    input: input({ local: listing([file('new.txt', 'e', 0), file('was.txt', 'e', 0)]), journalEntries: [journalEntry('was.txt', 'w', 'W')], remote: remote([ours('W', 'was.txt', 'w')], { ws: [dp('W')] }) }),
    expect: (r) => {
      assert.deepEqual(r.actions, []);
      assert.deepEqual(r.skipped.map((s) => `${s.relativePath}:${s.reason}`), ['new.txt:empty', 'was.txt:empty']);
      assert.equal(r.summary.skippedEmpty, 2);
    },
  },
  {
    label: 'content the server refused is not sent again; changed content is',
    input: input({ local: listing([file('a.xyz', 'a'), file('b.xyz', 'c')]), rejectedContent: new Map([['a.xyz', H('a')], ['b.xyz', H('b')]]) }),
    expect: (r) => {
      assert.deepEqual(r.actions.map((a) => `${a.kind}:${'relativePath' in a ? a.relativePath : ''}`), ['upload:b.xyz']);
      assert.deepEqual(r.skipped, [{ relativePath: 'a.xyz', sha256: H('a'), reason: 'rejected' }]);
      assert.equal(r.summary.skippedRejected, 1);
    },
  },
  {
    label: 'missing remote folder is created first',
    input: input({ local: listing([file('a.txt', 'a')]), remote: { folderExists: false, documents: [], embeddings: { ws: [] } } }),
    expect: (r) => assert.deepEqual(kinds(r.actions), ['create-folder', 'upload']),
  },
  {
    label: 'document deleted remotely by hand is uploaded again',
    input: input({ local: listing([file('a.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([], { ws: [] }) }),
    expect: (r) => assert.deepEqual(r.actions, [{ kind: 'upload', relativePath: 'a.txt', sha256: H('a'), size: 10, mtimeMs: 1000 }]),
  },
  {
    label: 'lost state after a rename: our document is adopted by content',
    input: input({ local: listing([file('new.txt', 'a')]), remote: remote([ours('A', 'old.txt', 'a')], { ws: [dp('A')] }) }),
    expect: (r) => assert.deepEqual(kinds(r.actions), ['adopt']),
  },
  {
    label: 'two copies of one content: one keeps the document, the other uploads',
    input: input({ local: listing([file('a.txt', 'a'), file('b.txt', 'a')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a')], { ws: [dp('A')] }) }),
    expect: (r) => assert.deepEqual(r.actions.map((a) => `${a.kind}:${'relativePath' in a ? a.relativePath : ''}`), ['upload:b.txt']),
  },
  {
    label: 'journal-first full pass, every file matches its entry: all unchanged, nothing removed',
    input: input({ local: listing([file('a.txt', 'a'), file('d/b.txt', 'b')]), journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('d/b.txt', 'b', 'B')], remote: undefined }),
    expect: (r) => {
      assert.deepEqual(r.actions, []);
      assert.equal(r.summary.unchanged, 2);
    },
  },
  {
    label: 'journal-first full pass, as many files as entries but one gone and one new: the gone one is removed, the new one uploaded',
    input: input({ local: listing([file('a.txt', 'a'), file('new.txt', 'n')]), journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('gone.txt', 'g', 'G')], remote: undefined, policy: { ...input({}).policy, maxDelete: { kind: 'percent', value: 100 } } }),
    expect: (r) => assert.deepEqual(r.actions.map((action) => [action.kind, 'relativePath' in action ? action.relativePath : undefined]), [['upload', 'new.txt'], ['remove', 'gone.txt']]),
  },
  {
    label: 'journal-first full pass, a file renamed: its document follows it',
    input: input({ local: listing([file('a.txt', 'a'), file('moved/b.txt', 'b')]), journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('b.txt', 'b', 'B')], remote: undefined }),
    expect: (r) => assert.deepEqual(r.actions, [{ kind: 'rename', fromRelativePath: 'b.txt', relativePath: 'moved/b.txt', docpath: dp('B'), size: 10, mtimeMs: 1000 }]),
  },
  {
    label: 'scoped pass (watch) ignores everything outside its scope and trusts the journal',
    input: input({ local: listing([file('d/n.txt', 'n')], { scope: ['d'] }), journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('d/o.txt', 'o', 'O')], remote: undefined, policy: { ...input({}).policy, maxDelete: { kind: 'percent', value: 100 } } }),
    expect: (r) => assert.deepEqual(r.actions.map((a) => a.kind), ['upload', 'remove']),
  },
  {
    label: 'journal entry whose file and document are both gone is forgotten',
    input: input({ local: listing([file('k.txt', 'k')]), journalEntries: [journalEntry('a.txt', 'a', 'A'), journalEntry('k.txt', 'k', 'K')], remote: remote([ours('K', 'k.txt', 'k')], { ws: [dp('K')] }) }),
    expect: (r) => assert.deepEqual(r.actions, [{ kind: 'forget', relativePath: 'a.txt' }]),
  },
];

for (const { label, input: planInput, expect } of cases) {
  test(`plan: ${label}`, () => expect(plan(planInput)));
}

test('plan is pure: same input, same output, input untouched', () => {
  const planInput = input({ local: listing([file('a.txt', 'b'), file('c.txt', 'c')]), journalEntries: [journalEntry('a.txt', 'a', 'A')], remote: remote([ours('A', 'a.txt', 'a')], { ws: [dp('A')] }) });
  const before = JSON.stringify(planInput);
  assert.deepEqual(plan(planInput), plan(planInput));
  assert.equal(JSON.stringify(planInput), before);
});

test('plan: a lost journal against 20,000 of our documents adopts every file and uploads nothing', () => {
  const count = 20_000;
  const hex = (index: number): string => index.toString(16).padStart(64, '0');
  const entries: LocalEntry[] = [];
  const documents: RemoteView['documents'] = [];
  for (let index = 0; index < count; index += 1) {
    const relativePath = `d${index % 100}/f${String(index).padStart(5, '0')}.md`;
    entries.push({ relativePath, sha256: hex(index), size: 1, mtimeMs: 1 });
    // Half keep their title (lost response / lost state), half were renamed while the state was lost.
    documents.push({ docpath: `acme/docs/${index}.json`, ...uploadMetadataFor(index % 2 === 0 ? relativePath : `old/${index}.md`, hex(index)) });
  }
  entries.sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1));
  const result = plan(input({ local: listing(entries), remote: remote(documents, { ws: documents.map((doc) => doc.docpath) }) }));
  assert.equal(result.summary.adoptions, count);
  assert.equal(result.summary.uploads + result.summary.removes, 0);
  const adoptedBy = new Map(result.actions.flatMap((action) => (action.kind === 'adopt' ? [[action.relativePath, action.docpath] as const] : [])));
  assert.equal(adoptedBy.get('d7/f00007.md'), 'acme/docs/7.json', 'each file adopts the document holding its content');
});

test('scopeTest: a path is in scope when it or one of its ancestor folders is listed', () => {
  const within = scopeTest(['docs', 'a/b.txt', 'deep/er/dir']);
  const table: [string, boolean][] = [
    ['docs', true], ['docs/x.md', true], ['docs/sub/x.md', true], ['docsx/y.md', false], ['a/b.txt', true],
    ['a/b.txt.bak', false], ['a/c.txt', false], ['deep/er/dir/f', true], ['deep/er/f', false], ['other', false],
  ];
  // The same table through the set (more than a few scope paths): both ways answer alike.
  const manyWithin = scopeTest(['docs', 'a/b.txt', 'deep/er/dir', ...Array.from({ length: 10 }, (_, index) => `unrelated-${index}`)]);
  for (const [relativePath, expected] of table) {
    assert.equal(within(relativePath), expected, relativePath);
    assert.equal(manyWithin(relativePath), expected, `${relativePath} (many scope paths)`);
  }
  assert.equal(scopeTest(undefined)('anything'), true);
  assert.equal(scopeTest([''])('anything'), true);
  assert.equal(scopeTest(['a', 'ab/c', 'é/x'])('ab'), false);
  assert.equal(scopeTest(['a', 'ab/c', 'é/x'])('é/x/y'), true);
});
