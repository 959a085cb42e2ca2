/**
 * The emulated server's data model (contract §10): plain maps with the indexes the routes
 * need, so a 100,000-document listing stays a linear walk. File contents are never kept,
 * only their sha256 and size.
 */

import type { EmulatorSeed } from './seed.js';
import type { CompanyRecord, AccountRecord, OrgRecord, WorkspaceSettings, WorkspaceRecord, EmbeddingRecord, StoredDocument, StateSnapshot } from './records.js';

export type { CompanyRecord, AccountRecord, OrgRecord, WorkspaceSettings, WorkspaceRecord, EmbeddingRecord, StoredDocument, StateSnapshot } from './records.js';

/** The folder every org has and nobody can delete. */
export const DEFAULT_FOLDER = 'custom-documents';

/** Upstream defaults for a new workspace. */
export const defaultWorkspaceSettings = (): WorkspaceSettings => ({
  similarityThreshold: 0.25, openAiTemp: null, openAiHistory: 20, openAiPrompt: null, queryRefusalResponse: null, chatMode: 'chat', topN: 4,
});

/** In-memory state of one emulator; mutators bump `version` so the server knows when to persist. */
export class EmulatorState {
  /** Incremented on every mutation. */
  version = 0;
  private readonly companyByKey = new Map<string, string>();
  private readonly companyRecords = new Map<string, CompanyRecord>();
  private readonly accountRecords = new Map<string, AccountRecord>();
  private readonly orgRecords = new Map<string, OrgRecord>();
  private readonly workspaceRecords = new Map<string, WorkspaceRecord>();
  /** orgSlug → folder → storedName → document. */
  private readonly tree = new Map<string, Map<string, Map<string, StoredDocument>>>();
  private readonly docs = new Map<string, StoredDocument>();
  private readonly embeddings = new Map<string, Map<string, EmbeddingRecord>>();
  /** docpath → workspaces it is embedded in (for "un-embed everywhere" and move refusals). */
  private readonly embeddedIn = new Map<string, Set<string>>();
  /** U6: second (third…) embedding records of a docpath added again, per workspace. */
  private readonly duplicates = new Map<string, EmbeddingRecord[]>();
  private nextIds = { org: 1, workspace: 1, embedding: 1 };

  /** Build a fresh state from a validated seed. */
  static fromSeed(seed: EmulatorSeed, now = new Date().toISOString()): EmulatorState {
    const state = new EmulatorState();
    seed.companies.forEach((company, index) => {
      const companyId = `company-${index + 1}`;
      state.companyRecords.set(companyId, { companyId, name: company.name });
      for (const apiKey of company.apiKeys) state.companyByKey.set(apiKey, companyId);
      for (const account of company.accounts) {
        state.accountRecords.set(account.id, { accountId: account.id, name: account.name, companyId });
        for (const org of account.orgs) {
          state.addOrg({ id: state.nextIds.org++, orgSlug: org.slug, name: org.name, accountId: account.id, createdAt: now });
          for (const folder of org.folders ?? []) state.createFolder(org.slug, folder);
          for (const ws of org.workspaces) state.createWorkspace(org.slug, ws.slug, ws.name, defaultWorkspaceSettings(), now);
        }
      }
    });
    state.version = 0;
    return state;
  }

  /** Rebuild a state from a snapshot (shape is trusted: it was written by `toSnapshot`). */
  static fromSnapshot(snapshot: StateSnapshot): EmulatorState {
    const state = new EmulatorState();
    for (const company of snapshot.companies) state.companyRecords.set(company.companyId, company);
    for (const { apiKey, companyId } of snapshot.apiKeys) state.companyByKey.set(apiKey, companyId);
    for (const account of snapshot.accounts) state.accountRecords.set(account.accountId, account);
    for (const org of snapshot.orgs) state.addOrg(org);
    for (const { orgSlug, folder } of snapshot.folders) state.createFolder(orgSlug, folder);
    for (const ws of snapshot.workspaces) {
      state.workspaceRecords.set(ws.workspaceSlug, ws);
      state.embeddings.set(ws.workspaceSlug, new Map());
    }
    for (const doc of snapshot.documents) state.addDocument(doc);
    for (const { workspaceSlug, ...embedding } of snapshot.embeddings) state.recordEmbedding(workspaceSlug, embedding);
    state.nextIds = { ...snapshot.nextIds };
    state.version = 0;
    return state;
  }

  /** Plain-data copy of everything, for persistence. */
  toSnapshot(): StateSnapshot {
    return {
      format: 'lumensync-emulator-state',
      version: 1,
      companies: [...this.companyRecords.values()],
      apiKeys: [...this.companyByKey].map(([apiKey, companyId]) => ({ apiKey, companyId })),
      accounts: [...this.accountRecords.values()],
      orgs: [...this.orgRecords.values()],
      folders: [...this.tree].flatMap(([orgSlug, folders]) => [...folders.keys()].map((folder) => ({ orgSlug, folder }))),
      workspaces: [...this.workspaceRecords.values()],
      documents: [...this.docs.values()],
      embeddings: [...this.embeddings.keys()].flatMap((workspaceSlug) => this.workspaceEmbeddingRecords(workspaceSlug).map((e) => ({ workspaceSlug, ...e }))),
      nextIds: { ...this.nextIds },
    };
  }

  // ---- lookups -------------------------------------------------------------------------

  /** Company id owning an API key, or undefined for an unknown key. */
  companyForKey(apiKey: string): string | undefined { return this.companyByKey.get(apiKey); }
  /** Account by id (lowercase UUID). */
  account(accountId: string): AccountRecord | undefined { return this.accountRecords.get(accountId); }
  /** All companies, seed order. */
  companies(): CompanyRecord[] { return [...this.companyRecords.values()]; }
  /** All accounts, seed order. */
  accounts(): AccountRecord[] { return [...this.accountRecords.values()]; }
  /** API keys of a company (for the CLI banner). */
  apiKeysOf(companyId: string): string[] { return [...this.companyByKey].filter(([, id]) => id === companyId).map(([key]) => key); }
  /** Org by original slug. */
  org(orgSlug: string): OrgRecord | undefined { return this.orgRecords.get(orgSlug); }
  /** Orgs visible to a company, optionally narrowed to one account. */
  orgsOf(companyId: string, accountId?: string): OrgRecord[] {
    return [...this.orgRecords.values()].filter((org) =>
      accountId === undefined ? this.accountRecords.get(org.accountId)?.companyId === companyId : org.accountId === accountId);
  }
  /** Workspace by original slug. */
  workspace(workspaceSlug: string): WorkspaceRecord | undefined { return this.workspaceRecords.get(workspaceSlug); }
  /** Workspaces of an org, creation order. */
  workspacesOf(orgSlug: string): WorkspaceRecord[] { return [...this.workspaceRecords.values()].filter((ws) => ws.orgSlug === orgSlug); }
  /** Folder names of an org (`custom-documents` first). */
  folders(orgSlug: string): string[] { return [...(this.tree.get(orgSlug)?.keys() ?? [])]; }
  /** True when the org has that folder. */
  hasFolder(orgSlug: string, folder: string): boolean { return this.tree.get(orgSlug)?.has(folder) ?? false; }
  /** Documents of one folder (creation order), or undefined when the folder does not exist. */
  folderDocuments(orgSlug: string, folder: string): StoredDocument[] | undefined {
    const byName = this.tree.get(orgSlug)?.get(folder);
    return byName === undefined ? undefined : [...byName.values()];
  }
  /** All documents of an org, folder by folder. */
  listDocuments(orgSlug: string): StoredDocument[] {
    return [...(this.tree.get(orgSlug)?.values() ?? [])].flatMap((byName) => [...byName.values()]);
  }
  /** Document by docpath. */
  document(docpath: string): StoredDocument | undefined { return this.docs.get(docpath); }
  /** Document of an org by stored file name, whatever its folder. */
  documentByStoredName(orgSlug: string, storedName: string): StoredDocument | undefined {
    for (const byName of this.tree.get(orgSlug)?.values() ?? []) {
      const doc = byName.get(storedName);
      if (doc !== undefined) return doc;
    }
    return undefined;
  }
  /** Docpaths embedded in a workspace, embedding order. */
  workspaceDocpaths(workspaceSlug: string): string[] { return [...(this.embeddings.get(workspaceSlug)?.keys() ?? [])]; }
  /** Embedding records of a workspace. */
  workspaceEmbeddings(workspaceSlug: string): EmbeddingRecord[] { return [...(this.embeddings.get(workspaceSlug)?.values() ?? [])]; }
  /** U6: embedding records beyond the first, in one workspace or in all. */
  duplicateEmbeddingCount(workspaceSlug?: string): number {
    if (workspaceSlug !== undefined) return this.duplicates.get(workspaceSlug)?.length ?? 0;
    let count = 0;
    for (const records of this.duplicates.values()) count += records.length;
    return count;
  }
  /** Every embedding record of a workspace, duplicates included (what upstream lists). */
  workspaceEmbeddingRecords(workspaceSlug: string): EmbeddingRecord[] {
    return [...this.workspaceEmbeddings(workspaceSlug), ...(this.duplicates.get(workspaceSlug) ?? [])];
  }
  /** True when a document is embedded in at least one workspace. */
  isEmbedded(docpath: string): boolean { return this.embeddedIn.has(docpath); }
  /** Workspaces a document is embedded in. */
  embeddedWorkspaces(docpath: string): string[] { return [...(this.embeddedIn.get(docpath) ?? [])]; }

  // ---- mutations -----------------------------------------------------------------------

  /** Create a folder; false when it already exists. */
  createFolder(orgSlug: string, folder: string): boolean {
    let folders = this.tree.get(orgSlug);
    if (folders === undefined) this.tree.set(orgSlug, (folders = new Map()));
    if (folders.has(folder)) return false;
    folders.set(folder, new Map());
    this.version += 1;
    return true;
  }

  /** Delete a folder with its documents (un-embedded everywhere); returns the removed docpaths. */
  removeFolder(orgSlug: string, folder: string): string[] {
    const byName = this.tree.get(orgSlug)?.get(folder);
    if (byName === undefined) return [];
    const removed = [...byName.values()].map((doc) => doc.docpath);
    for (const docpath of removed) this.removeDocument(docpath);
    this.tree.get(orgSlug)?.delete(folder);
    this.version += 1;
    return removed;
  }

  /** Store a document (its folder is created if missing). */
  addDocument(doc: StoredDocument): void {
    this.createFolder(doc.orgSlug, doc.folder);
    this.tree.get(doc.orgSlug)?.get(doc.folder)?.set(doc.storedName, doc);
    this.docs.set(doc.docpath, doc);
    this.version += 1;
  }

  /** Delete a document and un-embed it from every workspace; false when unknown. */
  removeDocument(docpath: string): boolean {
    const doc = this.docs.get(docpath);
    if (doc === undefined) return false;
    for (const workspaceSlug of this.embeddedWorkspaces(docpath)) this.unembed(workspaceSlug, docpath);
    this.docs.delete(docpath);
    this.tree.get(doc.orgSlug)?.get(doc.folder)?.delete(doc.storedName);
    this.version += 1;
    return true;
  }

  /** Move a document to another docpath of the same org (folder and/or name); caller validated it. */
  moveDocument(fromDocpath: string, to: { docpath: string; folder: string; storedName: string }): void {
    const doc = this.docs.get(fromDocpath);
    if (doc === undefined) return;
    this.removeDocument(fromDocpath);
    this.addDocument({ ...doc, ...to });
  }

  /** Embed a document into a workspace; false when already embedded. */
  embed(workspaceSlug: string, docpath: string, now = new Date().toISOString()): boolean {
    if (this.embeddings.get(workspaceSlug)?.has(docpath) ?? true) return false;
    this.recordEmbedding(workspaceSlug, { id: this.nextIds.embedding++, docpath, createdAt: now });
    this.version += 1;
    return true;
  }

  /** U6: add an already embedded docpath again, keeping a second record; false when not embedded yet. */
  embedAgain(workspaceSlug: string, docpath: string, now = new Date().toISOString()): boolean {
    if (!(this.embeddings.get(workspaceSlug)?.has(docpath) ?? false)) return false;
    let records = this.duplicates.get(workspaceSlug);
    if (records === undefined) this.duplicates.set(workspaceSlug, (records = []));
    records.push({ id: this.nextIds.embedding++, docpath, createdAt: now });
    this.version += 1;
    return true;
  }

  /** Remove a document from a workspace (every record of it); false when it was not embedded. */
  unembed(workspaceSlug: string, docpath: string): boolean {
    const records = this.duplicates.get(workspaceSlug);
    if (records !== undefined) this.duplicates.set(workspaceSlug, records.filter((record) => record.docpath !== docpath));
    if (!(this.embeddings.get(workspaceSlug)?.delete(docpath) ?? false)) return false;
    const workspaces = this.embeddedIn.get(docpath);
    workspaces?.delete(workspaceSlug);
    if (workspaces?.size === 0) this.embeddedIn.delete(docpath);
    this.version += 1;
    return true;
  }

  /** Create a workspace with a slug the caller made unique. */
  createWorkspace(orgSlug: string, workspaceSlug: string, name: string, settings: WorkspaceSettings, now = new Date().toISOString()): WorkspaceRecord {
    const record: WorkspaceRecord = { id: this.nextIds.workspace++, workspaceSlug, name, orgSlug, createdAt: now, lastUpdatedAt: now, settings };
    this.workspaceRecords.set(workspaceSlug, record);
    this.embeddings.set(workspaceSlug, new Map());
    this.version += 1;
    return record;
  }

  /** Change a workspace's name/settings (the slug never changes, like upstream). */
  updateWorkspace(workspaceSlug: string, changes: { name?: string; settings?: Partial<WorkspaceSettings> }): WorkspaceRecord | undefined {
    const record = this.workspaceRecords.get(workspaceSlug);
    if (record === undefined) return undefined;
    if (changes.name !== undefined) record.name = changes.name;
    record.settings = { ...record.settings, ...changes.settings };
    record.lastUpdatedAt = new Date().toISOString();
    this.version += 1;
    return record;
  }

  /** Delete a workspace and its embeddings (documents stay). */
  deleteWorkspace(workspaceSlug: string): boolean {
    if (!this.workspaceRecords.has(workspaceSlug)) return false;
    for (const docpath of this.workspaceDocpaths(workspaceSlug)) this.unembed(workspaceSlug, docpath);
    this.workspaceRecords.delete(workspaceSlug);
    this.embeddings.delete(workspaceSlug);
    this.duplicates.delete(workspaceSlug);
    this.version += 1;
    return true;
  }

  private addOrg(org: OrgRecord): void {
    this.orgRecords.set(org.orgSlug, org);
    this.createFolder(org.orgSlug, DEFAULT_FOLDER);
  }

  private recordEmbedding(workspaceSlug: string, embedding: EmbeddingRecord): void {
    if (this.embeddings.get(workspaceSlug)?.has(embedding.docpath) === true) {
      // A snapshot lists U6 duplicates as further records of the same docpath.
      this.duplicates.set(workspaceSlug, [...(this.duplicates.get(workspaceSlug) ?? []), embedding]);
      return;
    }
    this.embeddings.get(workspaceSlug)?.set(embedding.docpath, embedding);
    let workspaces = this.embeddedIn.get(embedding.docpath);
    if (workspaces === undefined) this.embeddedIn.set(embedding.docpath, (workspaces = new Set()));
    workspaces.add(workspaceSlug);
  }
}
