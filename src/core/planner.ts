/**
 * plan(): the mirror semantics as one pure function (DESIGN §1). No I/O, no clock, no
 * logger: local listing + journal + remote listing + policy in, a Plan out.
 */
import type { JournalLookup, LocalEntry } from './types.js';
import { indexByDocpath, type PlanInput, type RemoteDocumentView } from './plan-input.js';
import type { Action, Plan, RemoveAction, SkippedFile, UnembedAction } from './plan-types.js';
import { maxDeleteGuard, rootGuards, workspaceGuard } from './guards.js';
import { parseMarker, parseOwner } from './marker.js';
import { foreignMirrorGuard } from './ownership.js';
import { planEmbeddings } from './embedding-plan.js';
import { summarise } from './summary.js';
import { CandidateIndex } from './candidates.js';
import { comparePaths, filesInOrder, requireJournaled } from './journaled-files.js';
import { scopeTest } from './scope-test.js';

export type { PlanInput, PlanPolicy, RemoteDocumentView, RemoteView } from './plan-input.js';
export { indexByDocpath } from './plan-input.js';

/** Journaled files worth the docpath uniqueness check: at least one in this many journal entries. */
const CLAIM_FREE_SHARE = 8;

interface Candidate {
  docpath: string;
  title: string | undefined;
  sha256: string;
}

/** Build the plan for one pass. */
export function plan(input: PlanInput): Plan {
  const { local, remote, policy } = input;
  const scope = local.scope;
  const inScope = scopeTest(scope);
  const journal: JournalLookup = input.journalByPath ?? new Map((function* entries() {
    for (const entry of input.journalEntries) yield [entry.relativePath, entry] as const;
  })());

  const remoteByDocpath = remote?.documentsByDocpath ?? indexByDocpath(remote?.documents ?? []);
  const exists = (docpath: string): boolean => remote === undefined || remoteByDocpath.has(docpath);
  // The listing's own string for a docpath that exists (undefined when it does not): what is kept
  // in the sets below, so a docpath read again from the journal adds no string to them.
  const listedDocpath = (docpath: string): string | undefined => (remote === undefined ? docpath : remoteByDocpath.get(docpath)?.docpath);

  const actions: Action[] = [];
  const claimed = new Set<string>();
  // Built only when asked: a full no-op pass whose files all match journal entries never needs it.
  let localPathSet: Set<string> | undefined;
  const localPaths = (): Set<string> => (localPathSet ??= new Set([...local.entries.map((entry) => entry.relativePath), ...(local.journaled ?? [])]));
  const erroredPaths = new Set(local.errors.map((error) => error.relativePath));
  // Docpath → relative path, for remote documents only (a journal-first pass builds none): only
  // listed docpaths are looked up, so only those are kept, under the listing's strings.
  const journalByDocpath = new Map<string, string>();
  // And each entry's listed docpath by its journal slot, when the journal numbers them: a file
  // found as journaled is then planned without its entry being built or its docpath looked up
  // again (a 100,000-file verification: ~0.2 s and 100,000 entry objects fewer).
  const listedBySlot = remote !== undefined && journal.forEachDocpath !== undefined && journal.slotOf !== undefined && journal.slotLimit !== undefined
    ? new Array<string | undefined>(journal.slotLimit) : undefined;
  const indexDocpath = (docpath: string, relativePath: string, slot?: number): void => {
    const listed = listedDocpath(docpath);
    if (listed === undefined) return;
    journalByDocpath.set(listed, relativePath);
    if (listedBySlot !== undefined && slot !== undefined) listedBySlot[slot] = listed;
  };
  if (remote !== undefined && journal.forEachDocpath !== undefined) journal.forEachDocpath(indexDocpath);
  else if (remote !== undefined) for (const entry of journal.values()) indexDocpath(entry.docpath, entry.relativePath);
  // Kept docpaths (claimed and staying: the embedding drift repair's input) need the listing.
  // Every docpath is claimed once; the kept ones are the claims that are neither foreign, nor
  // replaced, nor removed (a second 1,000,000-entry set for them cost ~35 MB).
  const unkept = new Set<string>();
  let unchanged = 0;
  // Marked by another mirror and unknown to this journal: that mirror's, whatever this one holds.
  // A mirror's documents share one author: parsed once per distinct value in a row.
  let lastAuthor: { docAuthor: string | undefined; owner: string | undefined } | undefined;
  const foreign = (doc: RemoteDocumentView): boolean => {
    if (lastAuthor?.docAuthor !== doc.docAuthor || lastAuthor === undefined) lastAuthor = { docAuthor: doc.docAuthor, owner: parseOwner(doc.docAuthor) };
    const { owner } = lastAuthor;
    return owner !== undefined && policy.ownerMark !== undefined && owner !== policy.ownerMark && !journalByDocpath.has(doc.docpath);
  };
  const foreignDocs = (remote?.documents ?? []).filter(foreign);
  for (const doc of foreignDocs) {
    claimed.add(doc.docpath);
    unkept.add(doc.docpath);
  }

  // Our documents that no journal entry owns: candidates for adoption (lost upload response, lost state).
  // By title + hash (exact) and by hash alone, the latter only when the title is not a local file of its own.
  const orphansExact = new CandidateIndex<Candidate>(claimed);
  const orphansByContent = new CandidateIndex<Candidate>(claimed);
  for (const doc of remote?.documents ?? []) {
    if (journalByDocpath.has(doc.docpath)) continue;
    const sha256 = parseMarker(doc.docSource);
    if (sha256 === undefined) continue;
    const candidate = { docpath: doc.docpath, title: doc.title, sha256 };
    if (doc.title !== undefined) orphansExact.add(`${doc.title}\u0000${sha256}`, candidate);
    if (doc.title === undefined || !localPaths().has(doc.title)) orphansByContent.add(sha256, candidate);
  }

  // Pass 1: unchanged files and exact adoptions (same title and content) win their documents first.
  const pending: LocalEntry[] = [];
  const skipped: SkippedFile[] = [];
  // Local files that have a journal entry: when a full pass (no scope, no unreadable file) counts
  // one per entry, no entry's file is gone and the sweeps over the journal below find nothing.
  let journalMatched = 0;
  // Without a listing every journal docpath "exists", and foreign or orphan documents claim none;
  // when no two entries share a docpath, a file found as its entry left it claims a docpath no
  // one else can want. The files the scan found as journaled (paths only) are then counted
  // without building their entries or claims: the bulk of a journal-first pass (1,000,000
  // docpaths claimed cost ~0.1 GB and ~1 s). Otherwise they are planned like any file, with their
  // journal entry's content, in the listing's order. The uniqueness check reads every entry (~17 ms
  // per 100,000 after a change): a pass with few journaled files (a watch event's) plans them instead.
  const journaledCount = local.journaled?.length ?? 0;
  const claimFree = remote === undefined && journaledCount > 0 && journaledCount * CLAIM_FREE_SHARE >= journal.size && journal.docpathsUnique?.() === true;
  // A full scan's journaled paths, found against this very journal as it still is (its revision
  // unchanged), each have an entry: counted, not looked up again (100,000 lookups, ~20 ms).
  const journaledHere = scope === undefined && local.journaledRevision !== undefined && local.journaledRevision === journal.revision;
  if (claimFree && journaledHere) {
    journalMatched += journaledCount;
    unchanged += journaledCount;
  } else if (claimFree) {
    for (const relativePath of local.journaled ?? []) {
      if (!inScope(relativePath)) continue;
      requireJournaled(journal, relativePath);
      journalMatched += 1;
      unchanged += 1;
    }
  }
  // A journaled file whose entry's docpath is listed and unclaimed: unchanged, its docpath claimed
  // (what the loop below concludes for it, without building its entry).
  const settledAsListed = listedBySlot === undefined ? undefined : (relativePath: string): boolean => {
    const slot = journal.slotOf?.(relativePath);
    const listed = slot === undefined ? undefined : listedBySlot[slot];
    if (listed === undefined || claimed.has(listed) || !inScope(relativePath)) return false;
    claimed.add(listed);
    journalMatched += 1;
    unchanged += 1;
    return true;
  };
  // The listing leaves its journaled paths unsorted (a no-op only counts them): merged in path order here.
  const journaledInOrder = claimFree ? [] : (local.journaled ?? []).sort(comparePaths);
  for (const [entry, journaledEntry] of filesInOrder(local.entries, journaledInOrder, journal, settledAsListed)) {
    if (!inScope(entry.relativePath)) continue;
    const known = journaledEntry ?? journal.get(entry.relativePath);
    if (known !== undefined) journalMatched += 1;
    const knownDocpath = known !== undefined && known.sha256 === entry.sha256 ? listedDocpath(known.docpath) : undefined;
    if (known && knownDocpath !== undefined && !claimed.has(knownDocpath)) {
      claimed.add(knownDocpath);
      if (known.size !== entry.size || known.mtimeMs !== entry.mtimeMs) {
        actions.push({ kind: 'record', relativePath: entry.relativePath, docpath: knownDocpath, sha256: entry.sha256, size: entry.size, mtimeMs: entry.mtimeMs });
      } else unchanged += 1;
      continue;
    }
    // Not worth a request: an empty file (no text to store), or content the server refused before (U9).
    const skip = entry.size === 0 ? 'empty' : input.rejectedContent?.get(entry.relativePath) === entry.sha256 ? 'rejected' : undefined;
    if (skip !== undefined) {
      skipped.push({ relativePath: entry.relativePath, sha256: entry.sha256, reason: skip });
      // Nothing replaces the last accepted version, so its document stays (like a failed replacement).
      if (known && exists(known.docpath) && !claimed.has(known.docpath)) {
        claimed.add(known.docpath);
      }
      continue;
    }
    const adopted = orphansExact.take(`${entry.relativePath}\u0000${entry.sha256}`);
    if (adopted) {
      actions.push({ kind: 'adopt', relativePath: entry.relativePath, docpath: adopted.docpath, sha256: entry.sha256, size: entry.size, mtimeMs: entry.mtimeMs });
      continue;
    }
    pending.push(entry);
  }

  const journalSweep = !(scope === undefined && erroredPaths.size === 0 && journalMatched === journal.size);
  // Documents of journal entries whose file is gone (in scope): candidates for a rename, by hash, in path order.
  // Paths first: a journal may build its entries on demand, and most paths are still local.
  const vanished: (Candidate & { relativePath: string })[] = [];
  // Journal paths in scope that the scan did not list, in journal order: read once for both sweeps.
  const unlisted: string[] = [];
  if (journalSweep) {
    for (const relativePath of journal.keys()) {
      if (!inScope(relativePath) || localPaths().has(relativePath)) continue;
      unlisted.push(relativePath);
      if (erroredPaths.has(relativePath)) continue;
      const entry = journal.get(relativePath)!;
      if (exists(entry.docpath)) vanished.push({ docpath: entry.docpath, title: entry.relativePath, sha256: entry.sha256, relativePath: entry.relativePath });
    }
  }
  vanished.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  const vanishedByContent = new CandidateIndex<Candidate & { relativePath: string }>(claimed);
  for (const candidate of vanished) vanishedByContent.add(candidate.sha256, candidate);

  // Pass 2: renames (content that vanished elsewhere), adoptions by content, then uploads.
  for (const entry of pending) {
    const moved = vanishedByContent.take(entry.sha256);
    if (moved) {
      actions.push({ kind: 'rename', fromRelativePath: moved.relativePath, relativePath: entry.relativePath, docpath: moved.docpath, size: entry.size, mtimeMs: entry.mtimeMs });
      continue;
    }
    const adopted = orphansByContent.take(entry.sha256);
    if (adopted) {
      actions.push({ kind: 'adopt', relativePath: entry.relativePath, docpath: adopted.docpath, sha256: entry.sha256, size: entry.size, mtimeMs: entry.mtimeMs });
      continue;
    }
    const known = journal.get(entry.relativePath);
    const replaces = known && exists(known.docpath) && !claimed.has(known.docpath) ? known.docpath : undefined;
    if (replaces !== undefined) {
      claimed.add(replaces);
      unkept.add(replaces);
    }
    actions.push({
      kind: 'upload', relativePath: entry.relativePath, sha256: entry.sha256, size: entry.size, mtimeMs: entry.mtimeMs,
      ...(replaces !== undefined ? { replacesDocpath: replaces } : {}),
    });
  }

  // What is left: journal entries whose file is gone, and remote documents nobody claimed.
  const removes: RemoveAction[] = [];
  const movedAway = new Set(actions.flatMap((action) => (action.kind === 'rename' ? [action.fromRelativePath] : [])));
  for (const relativePath of unlisted) {
    if (movedAway.has(relativePath) || erroredPaths.has(relativePath)) continue;
    const entry = journal.get(relativePath)!;
    if (exists(entry.docpath) && !claimed.has(entry.docpath)) {
      claimed.add(entry.docpath);
      unkept.add(entry.docpath);
      removes.push({ kind: 'remove', docpath: entry.docpath, relativePath: entry.relativePath, reason: 'deleted' });
    } else if (!exists(entry.docpath)) {
      actions.push({ kind: 'forget', relativePath: entry.relativePath });
    }
  }
  for (const doc of remote?.documents ?? []) {
    if (claimed.has(doc.docpath)) continue;
    const owner = journalByDocpath.get(doc.docpath);
    if (owner !== undefined && (!inScope(owner) || erroredPaths.has(owner))) continue;
    const ours = parseMarker(doc.docSource) !== undefined;
    if (ours) {
      if (doc.title !== undefined && !inScope(doc.title)) continue;
      // In a shared folder a marked document this journal never owned may be another mirror's.
      if (policy.sharedFolder && owner === undefined) continue;
      const duplicate = doc.title !== undefined && localPaths().has(doc.title);
      removes.push({ kind: 'remove', docpath: doc.docpath, ...(doc.title !== undefined ? { relativePath: doc.title } : {}), reason: duplicate ? 'duplicate' : 'stale' });
    } else if (!policy.sharedFolder && !policy.keepUnknown && scope === undefined) {
      removes.push({ kind: 'remove', docpath: doc.docpath, reason: 'unknown' });
    }
  }

  // Guards: replacements' old documents are not counted (their content lives on in the new one).
  const journalSize = journal.size;
  const guards = rootGuards(local, policy.allowEmptyRoot ? 0 : journalSize);
  const sharedVerdict = policy.sharedFolder ? undefined : foreignMirrorGuard(foreignDocs.map((doc) => parseOwner(doc.docAuthor) ?? ''), policy.folder);
  if (sharedVerdict) guards.push(sharedVerdict);
  const mirrorDocuments = remote ? remote.documents.length : journalSize;
  const countVerdict = maxDeleteGuard(removes.length, mirrorDocuments, policy.maxDelete);
  if (countVerdict && guards.length === 0) guards.push(countVerdict);
  const blockedRemoves = guards.length > 0 ? removes : [];
  if (guards.length === 0) actions.push(...removes);

  // A root that is missing or unreadable is rejected: the remote is left exactly as it was.
  if (remote !== undefined && !remote.folderExists && local.rootStatus === 'ok') actions.unshift({ kind: 'create-folder', folder: policy.folder });

  // Documents kept but blocked from removal still count as the mirror's, so they keep their embeddings.
  // The kept ones are the claims less the unkept: the claims become them in place, and the
  // embedding plan consumes them (a copy, then a set of the embedded docpaths, were two more
  // 1,000,000-entry tables at a verification's peak: ~40 MB).
  for (const docpath of unkept) claimed.delete(docpath);
  unkept.clear();
  const embeddingActions = planEmbeddings({
    kept: claimed,
    embeddings: remote?.embeddings,
    workspaces: policy.workspaces,
    previousWorkspaces: input.journalMeta.workspaces,
    batchSize: policy.embedBatchSize,
  });
  // Un-embeds only come from workspaces no longer named: held unless their removal is explicit.
  const removable = new Set(policy.removeWorkspaces ?? []);
  const blockedUnembeds = embeddingActions.filter((action): action is UnembedAction => action.kind === 'unembed' && !removable.has(action.workspaceSlug));
  actions.push(...embeddingActions.filter((action) => action.kind !== 'unembed' || removable.has(action.workspaceSlug)));
  const workspaceVerdict = workspaceGuard(blockedUnembeds);
  if (workspaceVerdict) guards.push(workspaceVerdict);

  const blockedUnembedCount = blockedUnembeds.reduce((sum, action) => sum + action.docpaths.length, 0);
  return { actions, blockedRemoves, blockedUnembeds, guards, skipped, summary: summarise(actions, blockedRemoves.length, unchanged, blockedUnembedCount, skipped) };
}
