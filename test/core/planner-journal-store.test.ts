/**
 * The planner reads the journal through the EntryStore in production and through a Map in most
 * table tests. A journal-first plan over a store whose docpaths are all distinct counts the files
 * found as journaled without claiming their docpaths: these cases check it plans exactly what the
 * Map-backed (claiming) planner plans, duplicate docpaths included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexByDocpath, plan, type PlanInput, type RemoteView } from '../../src/core/planner.js';
import { uploadMetadataFor } from '../../src/core/marker.js';
import type { JournalEntry, LocalEntry, LocalListing } from '../../src/core/types.js';
import { EntryStore } from '../../src/journal/entry-store.js';

const H = (c: string): string => c.repeat(64);
const file = (relativePath: string, hashChar: string, size = 10, mtimeMs = 1000): LocalEntry => ({ relativePath, sha256: H(hashChar), size, mtimeMs });
const listing = (entries: LocalEntry[], scope?: string[]): LocalListing => ({
  rootStatus: 'ok', entries: [...entries].sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1)), errors: [], ...(scope ? { scope } : {}),
  stats: { filesSeen: entries.length, filesHashed: 0, bytesHashed: 0, ignored: 0, durationMs: 0 },
});
const entry = (relativePath: string, hashChar: string, docName: string, size = 10, mtimeMs = 1000): JournalEntry =>
  ({ relativePath, sha256: H(hashChar), docpath: `acme/docs/${docName}.json`, size, mtimeMs });

const policy: PlanInput['policy'] = { folder: 'docs', workspaces: ['ws'], keepUnknown: false, sharedFolder: false, maxDelete: { kind: 'percent', value: 100 }, embedBatchSize: 100 };

interface Scenario { label: string; local: LocalListing; journal: JournalEntry[]; unique: boolean; expect: string[]; remote?: RemoteView }

const ours = (journaled: JournalEntry) => ({ docpath: journaled.docpath, ...uploadMetadataFor(journaled.relativePath, journaled.sha256) });

const scenarios: Scenario[] = [
  { label: 'no-op', local: listing([file('a', 'a'), file('b', 'b')]), journal: [entry('a', 'a', 'A'), entry('b', 'b', 'B')], unique: true, expect: [] },
  { label: 'touched file', local: listing([file('a', 'a', 10, 2000), file('b', 'b')]), journal: [entry('a', 'a', 'A'), entry('b', 'b', 'B')], unique: true, expect: ['record:a'] },
  { label: 'edited file replaces its document', local: listing([file('a', 'x'), file('b', 'b')]), journal: [entry('a', 'a', 'A'), entry('b', 'b', 'B')], unique: true, expect: ['upload:a'] },
  { label: 'rename among unchanged files', local: listing([file('a', 'a'), file('moved/b', 'b')]), journal: [entry('a', 'a', 'A'), entry('b', 'b', 'B')], unique: true, expect: ['rename:moved/b'] },
  { label: 'delete and new file', local: listing([file('a', 'a'), file('n', 'n')]), journal: [entry('a', 'a', 'A'), entry('gone', 'g', 'G')], unique: true, expect: ['upload:n', 'remove:gone'] },
  { label: 'copy of an unchanged file is uploaded, not a rename', local: listing([file('a', 'a'), file('copy', 'a')]), journal: [entry('a', 'a', 'A')], unique: true, expect: ['upload:copy'] },
  { label: 'scoped pass', local: listing([file('d/n', 'n'), file('d/o', 'o')], ['d']), journal: [entry('a', 'a', 'A'), entry('d/o', 'o', 'O'), entry('d/p', 'p', 'P')], unique: true, expect: ['upload:d/n', 'remove:d/p'] },
  {
    // A damaged journal: two entries own one document. The first file keeps it, the second gets a document of its own.
    label: 'two entries sharing a docpath', local: listing([file('a', 'a'), file('b', 'b')]), journal: [entry('a', 'a', 'A'), entry('b', 'b', 'A')], unique: false, expect: ['upload:b'],
  },
  {
    // The listing's order decides who keeps a shared document: a touched file (an entry) before a journaled one.
    label: 'touched file and a journaled file sharing its docpath', local: listing([file('a', 'a', 10, 2000), file('b', 'b')]), journal: [entry('a', 'a', 'A'), entry('b', 'b', 'A')], unique: false, expect: ['record:a', 'upload:b'],
  },
  {
    label: 'shared docpath, one of its files deleted', local: listing([file('a', 'a')]), journal: [entry('a', 'a', 'A'), entry('b', 'b', 'A')], unique: false, expect: [],
  },
  {
    // Verification: a document deleted in the LumenOne UI is uploaded again, though its file is as journaled.
    label: 'verified pass, a journaled file lost its document', local: listing([file('a', 'a'), file('b', 'b')]), journal: [entry('a', 'a', 'A'), entry('b', 'b', 'B')], unique: true,
    remote: { folderExists: true, documents: [ours(entry('a', 'a', 'A'))], embeddings: { ws: [entry('a', 'a', 'A').docpath] } }, expect: ['upload:b'],
  },
  {
    label: 'verified pass, shared docpath and a stale copy', local: listing([file('a', 'a'), file('b', 'b')]), journal: [entry('a', 'a', 'A'), entry('b', 'b', 'A')], unique: false,
    remote: { folderExists: true, documents: [ours(entry('a', 'a', 'A')), ours(entry('b', 'b', 'B'))], embeddings: { ws: [entry('a', 'a', 'A').docpath, entry('b', 'b', 'B').docpath] } },
    expect: ['adopt:b'],
  },
  {
    // The replaced document is on its way out: it is not embedded again, though nothing embeds it now.
    label: 'verified pass, an edited file whose old document is not embedded', local: listing([file('a', 'd'), file('b', 'b')]), journal: [entry('a', 'a', 'A'), entry('b', 'b', 'B')], unique: true,
    remote: { folderExists: true, documents: [ours(entry('a', 'a', 'A')), ours(entry('b', 'b', 'B'))], embeddings: { ws: [entry('b', 'b', 'B').docpath] } }, expect: ['upload:a'],
  },
  { label: 'same document name in two folders is no collision', local: listing([file('a', 'a'), file('b', 'b')]), journal: [entry('a', 'a', 'A'), { ...entry('b', 'b', 'A'), docpath: 'acme/other/A.json' }], unique: true, expect: [] },
];

const describeActions = (result: ReturnType<typeof plan>): string[] =>
  result.actions.map((action) => `${action.kind}:${'relativePath' in action ? action.relativePath : ''}`);

for (const scenario of scenarios) {
  test(`plan over the journal store: ${scenario.label}`, () => {
    const store = new EntryStore();
    for (const journaled of scenario.journal) store.set(journaled);
    assert.equal(store.docpathsUnique(), scenario.unique, 'docpathsUnique');
    const byMap = new Map(scenario.journal.map((journaled) => [journaled.relativePath, journaled]));
    const base = { local: scenario.local, journalEntries: scenario.journal, journalMeta: { workspaces: ['ws'] }, remote: scenario.remote, policy };
    const fromMap = plan({ ...base, journalByPath: byMap });
    const fromStore = plan({ ...base, journalByPath: store });
    assert.deepEqual(describeActions(fromStore), scenario.expect);
    assert.deepEqual(fromStore, fromMap, 'the store-backed plan equals the Map-backed one');
    // The scan lists files found as journaled by path only: the plans must not change.
    const byPath = (relativePath: string): JournalEntry | undefined => byMap.get(relativePath);
    const asJournaled = (local: LocalEntry): boolean => {
      const known = byPath(local.relativePath);
      return known !== undefined && known.sha256 === local.sha256 && known.size === local.size && known.mtimeMs === local.mtimeMs;
    };
    const journaled = scenario.local.entries.filter(asJournaled).map((local) => local.relativePath);
    assert.ok(journaled.length > 0 || scenario.journal.length === 0, 'the scenario has journaled files');
    const split = { ...scenario.local, entries: scenario.local.entries.filter((local) => !asJournaled(local)), journaled };
    assert.deepEqual(plan({ ...base, local: split, journalByPath: store }), fromMap, 'journaled listing, store');
    assert.deepEqual(plan({ ...base, local: split, journalByPath: byMap }), fromMap, 'journaled listing, Map (entries read back from the journal)');
    // A scan lists its journaled paths in the order it met them: the planner puts them in order itself.
    const shuffled = { ...split, journaled: [...journaled].reverse() };
    assert.deepEqual(plan({ ...base, local: shuffled, journalByPath: store }), fromMap, 'journaled listing out of order');
  });
}

test('plan over the journal store: a 10,000-file no-op counts every file unchanged and plans nothing', () => {
  const store = new EntryStore();
  const files: LocalEntry[] = [];
  for (let index = 0; index < 10_000; index += 1) {
    const relativePath = `d${index % 50}/f${index}.md`;
    const sha256 = index.toString(16).padStart(64, '0');
    store.set({ relativePath, docpath: `acme/docs/f${index}-${sha256.slice(-8)}.json`, sha256, size: index, mtimeMs: 1000 + index });
    files.push({ relativePath, sha256, size: index, mtimeMs: 1000 + index });
  }
  const result = plan({ local: listing(files), journalEntries: store.values(), journalByPath: store, journalMeta: { workspaces: ['ws'] }, remote: undefined, policy });
  assert.equal(result.summary.unchanged, 10_000);
  assert.deepEqual(result.actions, []);
});

test('plan: a file listed as journaled that the journal does not hold stops the plan', () => {
  const store = new EntryStore();
  store.set(entry('a', 'a', 'A'));
  const local: LocalListing = { ...listing([]), journaled: ['a', 'ghost'] };
  const base = { local, journalEntries: store.values(), journalMeta: { workspaces: ['ws'] }, policy };
  assert.throws(() => plan({ ...base, journalByPath: store, remote: undefined }), /ghost is listed as found as journaled/);
  assert.throws(() => plan({ ...base, journalByPath: store, remote: { folderExists: true, documents: [], embeddings: {} } }), /ghost is listed as found as journaled/);
});

test('plan: journaled paths found against the journal at its current revision are counted without a lookup; any other revision, or a scoped listing, checks each', () => {
  let lookups = 0;
  class CountingStore extends EntryStore {
    override has(relativePath: string): boolean {
      lookups += 1;
      return super.has(relativePath);
    }
  }
  const store = new CountingStore();
  for (const name of ['a', 'b', 'c']) store.set(entry(name, name, name.toUpperCase()));
  const base = { journalEntries: store.values(), journalByPath: store, journalMeta: { workspaces: ['ws'] }, remote: undefined, policy };
  const stamped: LocalListing = { ...listing([]), journaled: ['a', 'b', 'c'], journaledRevision: store.revision };
  const trusted = plan({ ...base, local: stamped });
  assert.equal(lookups, 0, 'the scan asked this journal, unchanged since');
  assert.equal(trusted.summary.unchanged, 3);
  assert.deepEqual(trusted.actions, []);
  // Unstamped, the same listing is checked path by path and plans the same.
  assert.deepEqual(plan({ ...base, local: { ...stamped, journaledRevision: undefined } }), trusted);
  assert.equal(lookups, 3);
  // The journal changed after the scan (c deleted): the stamp is stale, every path is checked.
  store.delete('c');
  assert.throws(() => plan({ ...base, journalEntries: store.values(), local: stamped }), /c is listed as found as journaled/);
  // A scoped listing is checked too, stamp or not.
  lookups = 0;
  const scoped: LocalListing = { ...listing([], ['a', 'b']), journaled: ['a', 'b'], journaledRevision: store.revision };
  assert.equal(plan({ ...base, journalEntries: store.values(), local: scoped }).summary.unchanged, 2);
  assert.equal(lookups, 2);
});

test('plan: a root holding only journaled files is not empty (no root-empty guard)', () => {
  const store = new EntryStore();
  store.set(entry('a', 'a', 'A'));
  const local: LocalListing = { ...listing([]), journaled: ['a'] };
  const result = plan({ local, journalEntries: store.values(), journalByPath: store, journalMeta: { workspaces: ['ws'] }, remote: undefined, policy });
  assert.deepEqual(result.guards, []);
  assert.equal(result.summary.unchanged, 1);
});

test('plan: a caller-built index of the listed documents plans exactly what the planner\'s own does', () => {
  const journal = [entry('a', 'a', 'A'), entry('b', 'b', 'B'), entry('gone', 'g', 'G')];
  const documents = [ours(entry('a', 'a', 'A')), ours(entry('b', 'b', 'B')), ours(entry('gone', 'g', 'G')), ours(entry('stale', 'c', 'S')), { docpath: 'acme/docs/X.json', title: 'x.pdf' }];
  const remote: RemoteView = { folderExists: true, documents, embeddings: { ws: [entry('a', 'a', 'A').docpath] } };
  const base = { local: listing([file('a', 'a'), file('b', 'b'), file('new', 'n')]), journalEntries: journal, journalMeta: { workspaces: ['ws'] }, policy };
  const own = plan({ ...base, remote });
  const indexed = plan({ ...base, remote: { ...remote, documentsByDocpath: indexByDocpath(documents) } });
  assert.deepEqual(indexed, own);
  assert.deepEqual(describeActions(own), ['upload:new', 'remove:gone', 'remove:stale', 'remove:', 'embed:']);
});

test('plan: a verification builds no journal entry for a journaled file whose document is listed, and plans what the Map-backed planner plans', () => {
  const journal = [entry('a', 'a', 'A'), entry('b', 'b', 'B'), entry('c', 'c', 'C'), entry('d', 'd', 'A')];
  const built: string[] = [];
  class CountingStore extends EntryStore {
    override get(relativePath: string): JournalEntry | undefined {
      built.push(relativePath);
      return super.get(relativePath);
    }
  }
  const store = new CountingStore();
  for (const journaled of journal) store.set(journaled);
  // c's document was deleted in the UI; d shares a's docpath (a damaged journal): both need their entries.
  const remote: RemoteView = { folderExists: true, documents: [ours(entry('a', 'a', 'A')), ours(entry('b', 'b', 'B'))], embeddings: { ws: [entry('a', 'a', 'A').docpath, entry('b', 'b', 'B').docpath] } };
  const local: LocalListing = { ...listing([]), journaled: ['a', 'b', 'c', 'd'] };
  const base = { local, journalEntries: journal, journalMeta: { workspaces: ['ws'] }, remote, policy };
  const fromStore = plan({ ...base, journalByPath: store });
  assert.deepEqual(built.filter((relativePath) => relativePath === 'a' || relativePath === 'b'), [], 'a and b were settled without their entries');
  assert.ok(built.includes('c') && built.includes('d'));
  assert.deepEqual(fromStore, plan({ ...base, journalByPath: new Map(journal.map((journaled) => [journaled.relativePath, journaled])) }));
  assert.deepEqual(describeActions(fromStore), ['upload:c', 'upload:d']);
  assert.equal(fromStore.summary.unchanged, 2);
});

test('plan over the journal store: a watch pass with few journaled files skips the docpath uniqueness check (it reads every entry) and plans the same', () => {
  const store = new EntryStore();
  const journal: JournalEntry[] = [];
  for (let index = 0; index < 200; index += 1) journal.push(entry(`d${index % 10}/f${index}`, (index % 16).toString(16), `F${index}`));
  for (const journaled of journal) store.set(journaled);
  let checks = 0;
  const check = store.docpathsUnique.bind(store);
  store.docpathsUnique = () => {
    checks += 1;
    return check();
  };
  // One new file and one as journaled in d3; d3's other entries are gone.
  const local: LocalListing = { ...listing([file('d3/new', 'e')], ['d3']), journaled: ['d3/f3'] };
  const base = { local, journalEntries: journal, journalMeta: { workspaces: ['ws'] }, remote: undefined, policy };
  const fromStore = plan({ ...base, journalByPath: store });
  assert.equal(checks, 0, 'one journaled file in 200 entries: no uniqueness check');
  assert.deepEqual(fromStore, plan({ ...base, journalByPath: new Map(journal.map((journaled) => [journaled.relativePath, journaled])) }));
  assert.equal(describeActions(fromStore).filter((action) => action.startsWith('remove:')).length, 19);
  // A full pass finding every file as journaled still takes the check (and its shortcut).
  plan({ ...base, local: { ...listing([]), journaled: journal.map((journaled) => journaled.relativePath) }, journalByPath: store });
  assert.equal(checks, 1);
});
