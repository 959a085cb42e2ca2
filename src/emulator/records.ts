/** The emulator's records: what one LumenOne server keeps (plain data, persisted as a snapshot). */

/** A partner company (owner of API keys). */
export interface CompanyRecord { companyId: string; name: string }
/** A customer account (`X-Account-Id`). */
export interface AccountRecord { accountId: string; name: string; companyId: string }
/** An organization, keyed by its original slug. */
export interface OrgRecord { id: number; orgSlug: string; name: string; accountId: string; createdAt: string }

/** Optional workspace settings (O4/W2 body fields). */
export interface WorkspaceSettings {
  similarityThreshold: number | null;
  openAiTemp: number | null;
  openAiHistory: number;
  openAiPrompt: string | null;
  queryRefusalResponse: string | null;
  chatMode: string;
  topN: number;
}

/** A workspace, keyed by its original slug (unique across the emulator). */
export interface WorkspaceRecord {
  id: number;
  workspaceSlug: string;
  name: string;
  orgSlug: string;
  createdAt: string;
  lastUpdatedAt: string;
  settings: WorkspaceSettings;
}

/** One document embedded in one workspace. */
export interface EmbeddingRecord { id: number; docpath: string; createdAt: string }

/** One stored document (what the server keeps of an upload). */
export interface StoredDocument {
  /** UUID, also part of `storedName`. */
  id: string;
  docpath: string;
  folder: string;
  storedName: string;
  orgSlug: string;
  title: string;
  docAuthor: string;
  description: string;
  docSource: string;
  chunkSource: string;
  url: string;
  published: string;
  sha256: string;
  bytes: number;
  createdAt: string;
  wordCount: number;
  tokenCountEstimate: number;
}

/** Serialisable form of the whole state (what `dataDir` persists). */
export interface StateSnapshot {
  format: 'lumensync-emulator-state';
  version: 1;
  companies: CompanyRecord[];
  apiKeys: { apiKey: string; companyId: string }[];
  accounts: AccountRecord[];
  orgs: OrgRecord[];
  folders: { orgSlug: string; folder: string }[];
  workspaces: WorkspaceRecord[];
  documents: StoredDocument[];
  embeddings: (EmbeddingRecord & { workspaceSlug: string })[];
  nextIds: { org: number; workspace: number; embedding: number };
}
