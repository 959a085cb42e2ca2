/**
 * The LumenOne API client: one method per endpoint the sync engine needs (contract §5), taking
 * original slugs and returning normalised shapes. Hex slugs are derived here (preferring what
 * the server told us), every failure is a RemoteError, and the API key is never exposed.
 */
import { inspect } from 'node:util';
import { RemoteError } from '../errors.js';
import { emptyBatch, listPageSizeOf, transportOptionsFor, type ClientOptions } from './client-support.js';
import { createFolderRequest, getDocumentRequest, listDocumentsRequest, moveFilesRequest, removeFilesRequest, removeFolderRequest } from './document-requests.js';
import { walkFolderListing, type DocumentTaker, type FolderWalk, type PageRunner } from './folder-listing.js';
import type { ListingFields } from './listing-stream.js';
import { NO_SUCH_WORKSPACE, parseBodyKeepingDocpaths, parseWorkspaceDocpathsStream } from './workspace-stream.js';
import { uploadApiRequest } from './upload-request.js';
import { HttpTransport, type ApiRequest, type ApiResponse } from './http.js';
import { parseBatchResult } from './multistatus.js';
import {
  ResponseShapeError, isObject, normaliseDocpath, parseDocument, parseDocumentTree, parseOrganization, parseOrganizations,
  parseUploadedDocuments, parseWorkspace, parseWorkspaceDetail, parseWorkspaces,
} from './parse.js';
import { toHexSlug } from './slugs.js';
import type { BatchResult, CompactFolderListing, DocpathFilter, FolderListing, ListedDocument, MoveRequest, Organization, RemoteDocument, UploadRequest, UploadedDocument, Workspace, WorkspaceDetail } from './types.js';
import { checkEmbeddings, checkMoves } from './verify.js';
import {
  createWorkspaceRequests, getOrganizationRequest, listOrganizationsRequest, listWorkspacesRequest, updateEmbeddingsRequest, verifyKeyRequest, workspaceRequest,
} from './workspace-requests.js';

export { DEFAULT_FOLDER, type ClientOptions } from './client-support.js';

export type { PageRunner } from './folder-listing.js';

/** Client for one LumenOne host, key and account. */
export class LumenOneClient {
  /** `{host}/api`; request paths start with `/v1`. */
  readonly apiBaseUrl: string;
  /** The account every account-scoped request is made for. */
  readonly accountId: string;
  readonly #transport: HttpTransport;
  readonly #uploadTimeoutMs: number;
  readonly #listPageSize: number;
  readonly #uploadIdleTimeoutMs: number;
  /** Hex forms learned from the server (original → hex), preferred over computing them. */
  readonly #orgSlugHex = new Map<string, string>();
  readonly #workspaceSlugHex = new Map<string, string>();

  /** Validates the options and opens a keep-alive pool (no request is sent). */
  constructor(options: ClientOptions) {
    const transportOptions = transportOptionsFor(options);
    this.apiBaseUrl = transportOptions.apiBaseUrl;
    this.accountId = transportOptions.accountId;
    this.#uploadTimeoutMs = options.uploadTimeoutMs ?? 600_000;
    this.#listPageSize = listPageSizeOf(options);
    this.#uploadIdleTimeoutMs = options.uploadIdleTimeoutMs ?? 60_000;
    this.#transport = new HttpTransport(transportOptions);
  }

  /** A1: resolves when the key is valid; RemoteError kind 'auth' otherwise. */
  async verifyKey(): Promise<void> {
    const apiRequest = verifyKeyRequest();
    const response = await this.#transport.send(apiRequest);
    if (isObject(response.body) && response.body.authenticated === false) {
      throw this.#transport.remoteError(apiRequest, this.#transport.urlOf(apiRequest), { kind: 'auth', cause: 'bad-key', retryable: false }, {
        status: response.status,
        serverMessage: 'authenticated: false',
        mayHaveApplied: false,
      });
    }
  }

  /** O1: the organizations of the configured account (learns their hex slugs). */
  async listOrganizations(): Promise<Organization[]> {
    const organizations = await this.#call(listOrganizationsRequest(), parseOrganizations);
    for (const org of organizations) this.#orgSlugHex.set(org.orgSlug, org.orgSlugHex);
    return organizations;
  }

  /** O2: one organization by original slug. */
  async getOrganization(orgSlug: string): Promise<Organization> {
    const org = await this.#call(getOrganizationRequest(this.#orgHex(orgSlug), orgSlug), parseOrganization);
    this.#orgSlugHex.set(org.orgSlug, org.orgSlugHex);
    return org;
  }

  /** O3: the workspaces of an organization (learns their hex slugs). */
  async listWorkspaces(orgSlug: string): Promise<Workspace[]> {
    const workspaces = await this.#call(listWorkspacesRequest(this.#orgHex(orgSlug), orgSlug), parseWorkspaces);
    for (const workspace of workspaces) this.#workspaceSlugHex.set(workspace.workspaceSlug, workspace.workspaceSlugHex);
    return workspaces;
  }

  /** O4: create a workspace; its slugs come from the response, never from the name. */
  async createWorkspace(orgSlug: string, name: string): Promise<Workspace> {
    const { primary, alternative } = createWorkspaceRequests(this.#orgHex(orgSlug), orgSlug, name);
    let workspace: Workspace;
    try {
      workspace = await this.#call(primary, parseWorkspace);
    } catch (error) {
      // The path is UNCONFIRMED (contract §6.5); the alternative is tried only on "no such route".
      if (!(error instanceof RemoteError) || (error.status !== 404 && error.status !== 405)) throw error;
      workspace = await this.#call(alternative, parseWorkspace).catch(() => Promise.reject(error));
    }
    this.#workspaceSlugHex.set(workspace.workspaceSlug, workspace.workspaceSlugHex);
    return workspace;
  }

  /** W1: a workspace with its embedded docpaths, normalised to `{org}/{folder}/{storedName}`. */
  async getWorkspace(workspaceSlug: string, orgSlug: string): Promise<WorkspaceDetail> {
    const apiRequest = workspaceRequest(this.#workspaceHex(workspaceSlug), orgSlug, workspaceSlug);
    const response = await this.#transport.send(apiRequest);
    // U7: upstream answers an unknown workspace with 200 { workspace: [] }: "no such workspace", never "no documents".
    if (isObject(response.body) && Array.isArray(response.body.workspace) && response.body.workspace.length === 0) throw this.#noSuchWorkspace(apiRequest, response);
    const workspace = this.#parsed(apiRequest, response, (body) => parseWorkspaceDetail(body, orgSlug));
    this.#workspaceSlugHex.set(workspace.workspaceSlug, workspace.workspaceSlugHex);
    return workspace;
  }

  /**
   * W1 parsed as a stream, keeping only the embedded docpaths `keep` accepts (a prefix such as the
   * mirror's `{org}/{folder}/`, or a test): each embedded document carries its whole metadata, so
   * the full answer is as heavy as the folder listing.
   */
  async getWorkspaceDocpaths(workspaceSlug: string, orgSlug: string, keep: DocpathFilter): Promise<WorkspaceDetail> {
    const apiRequest = workspaceRequest(this.#workspaceHex(workspaceSlug), orgSlug, workspaceSlug);
    const response = await this.#transport.send(apiRequest, (body) => parseWorkspaceDocpathsStream(body, orgSlug, typeof keep === 'string' ? (docpath) => docpath.startsWith(keep) : keep));
    if (isObject(response.streamed) && response.streamed[NO_SUCH_WORKSPACE] === true) throw this.#noSuchWorkspace(apiRequest, response);
    const workspace = this.#parsed(apiRequest, response, () => parseWorkspaceDetail(response.streamed, orgSlug));
    this.#workspaceSlugHex.set(workspace.workspaceSlug, workspace.workspaceSlugHex);
    return workspace;
  }

  /** The error for U7's `200 { workspace: [] }`: the workspace does not exist (exit 3), never "no documents". */
  #noSuchWorkspace(apiRequest: ApiRequest, response: ApiResponse): RemoteError {
    return this.#transport.remoteError(apiRequest, this.#transport.urlOf(apiRequest), { kind: 'not-found', cause: 'workspace-not-found', retryable: false }, {
      status: response.status,
      serverMessage: 'workspace: [] (the server knows no such workspace)',
      mayHaveApplied: false,
    });
  }

  /**
   * W4: embed (`adds`) and un-embed (`deletes`) docpaths. The answer lists the whole workspace: it is streamed, keeping only the
   * docpaths named here; adds that did not land (upstream skips unknown docpaths silently) and deletes that stayed are failed entries.
   */
  async updateEmbeddings(workspaceSlug: string, orgSlug: string, change: { adds?: string[]; deletes?: string[] }): Promise<BatchResult> {
    const { adds = [], deletes = [] } = change;
    if (adds.length === 0 && deletes.length === 0) return emptyBatch();
    const named = new Set([...adds, ...deletes].map((docpath) => normaliseDocpath(docpath, orgSlug)));
    const request = updateEmbeddingsRequest(this.#workspaceHex(workspaceSlug), orgSlug, workspaceSlug, { adds, deletes }, this.#uploadTimeoutMs);
    const response = await this.#transport.send(request, (body) => parseBodyKeepingDocpaths(body, orgSlug, (docpath) => named.has(docpath)));
    const answer = 'streamed' in response ? response.streamed : response.body;
    return checkEmbeddings(parseBatchResult(response.status, answer, orgSlug, [...deletes, ...adds]), answer, orgSlug, adds, deletes);
  }

  /** D1/D2: upload one file (its `content`, or streamed from disk); returns every document the server created. */
  async uploadDocument(upload: UploadRequest): Promise<UploadedDocument[]> {
    const { apiRequest, folder } = await uploadApiRequest(upload, this.#orgHex(upload.orgSlug), { uploadTimeoutMs: this.#uploadTimeoutMs, uploadIdleTimeoutMs: this.#uploadIdleTimeoutMs });
    return this.#call(apiRequest, (body) => parseUploadedDocuments(body, upload.orgSlug, folder));
  }

  /** D3: every document of the organization, flattened from the folder tree. */
  async listDocuments(orgSlug: string): Promise<RemoteDocument[]> {
    return this.#call(listDocumentsRequest(this.#orgHex(orgSlug), orgSlug), (body) => parseDocumentTree(body, orgSlug));
  }

  /** D4: the documents of one folder with every field, paged and streamed; an unknown folder → `exists: false`. */
  async listFolder(orgSlug: string, folder: string): Promise<FolderListing> {
    const documents: RemoteDocument[] = [];
    const { exists, rejected } = await this.forEachFolderDocument(orgSlug, folder, (document) => documents.push(document), 'full');
    return { folder, exists, documents: exists ? documents : [], ...(rejected.length > 0 ? { rejected } : {}) };
  }

  /**
   * D4 in the planner's compact form: docpath, title, docSource and docAuthor only (what a sync
   * pass keeps), indexed by docpath as listed: that index is also what drops repeated items, so a
   * 1,000,000-document listing builds one docpath index, not a set and then a map.
   */
  async listFolderCompact(orgSlug: string, folder: string, runPage: PageRunner = (request) => request()): Promise<CompactFolderListing> {
    const byDocpath = new Map<string, ListedDocument>();
    // A mirror's documents all carry one author (its owner mark): kept once, not once per document
    // (~70 B each: 70 MB of a 1,000,000-document listing).
    let author: string | undefined;
    const { exists, rejected } = await this.#walkFolder(orgSlug, folder, 'compact', runPage, (document) => {
      if (byDocpath.has(document.docpath)) return false;
      if (document.docAuthor !== author) author = document.docAuthor;
      byDocpath.set(document.docpath, { docpath: document.docpath, title: document.title, docSource: document.docSource, docAuthor: author });
      return true;
    });
    if (!exists) return { folder, exists, documents: [] };
    return { folder, exists, documents: [...byDocpath.values()], byDocpath, ...(rejected.length > 0 ? { rejected } : {}) };
  }

  /**
   * D4, page by page and streamed (contract §13 U2; see folder-listing.ts), calling `onDocument`
   * once per docpath; a 404 → `exists: false`. `runPage` runs each page's request (the caller's
   * pacing and retries: a failed page is asked again, not the listing).
   */
  async forEachFolderDocument(
    orgSlug: string,
    folder: string,
    onDocument: (document: RemoteDocument) => void,
    fields: ListingFields = 'compact',
    runPage: PageRunner = (request) => request(),
  ): Promise<FolderWalk> {
    const seen = new Set<string>();
    return this.#walkFolder(orgSlug, folder, fields, runPage, (document) => {
      if (seen.has(document.docpath)) return false;
      seen.add(document.docpath);
      onDocument(document);
      return true;
    });
  }

  #walkFolder(orgSlug: string, folder: string, fields: ListingFields, runPage: PageRunner, takeDocument: DocumentTaker): Promise<FolderWalk> {
    return walkFolderListing({ orgSlug, orgHex: this.#orgHex(orgSlug), folder, limit: this.#listPageSize, fields }, (apiRequest, consume) => this.#transport.send(apiRequest, consume), takeDocument, runPage);
  }

  /** D5: one document by stored name (not docpath); undefined when the server does not know it. */
  async getDocument(orgSlug: string, storedName: string): Promise<RemoteDocument | undefined> {
    const apiRequest = getDocumentRequest(this.#orgHex(orgSlug), orgSlug, storedName);
    const response = await this.#transport.send(apiRequest);
    if (response.status === 404) return undefined;
    const document = this.#parsed(apiRequest, response, (body) => parseDocument(body, orgSlug, undefined, { folderOptional: true }));
    if (document.docpath !== '') return document;
    // The D5 item names the file but not its folder (contract §6.14); the tree knows the folder.
    return (await this.listDocuments(orgSlug)).find((candidate) => candidate.storedName === document.storedName);
  }

  /** D6: create a folder; an "already exists" answer (400/409/500) is `created: false`. */
  async createFolder(orgSlug: string, folder: string): Promise<{ created: boolean }> {
    const response = await this.#transport.send(createFolderRequest(this.#orgHex(orgSlug), orgSlug, folder)).catch((error: unknown) => {
      // A 2xx says the folder was made; its body is not needed, so an unreadable one changes nothing.
      if (error instanceof RemoteError && error.kind === 'protocol' && error.status !== undefined && error.status >= 200 && error.status < 300) return { status: error.status };
      throw error;
    });
    return { created: response.status >= 200 && response.status < 300 };
  }

  /** D7: delete a folder with its documents (and their embeddings everywhere). */
  async removeFolder(orgSlug: string, folder: string): Promise<void> {
    await this.#transport.send(removeFolderRequest(this.#orgHex(orgSlug), orgSlug, folder));
  }

  /**
   * D8: move documents between folders. Upstream answers 200 with "n/m files not moved" and no
   * per-file detail; the destination folders are then listed to tell which moves landed.
   */
  async moveFiles(orgSlug: string, moves: MoveRequest[]): Promise<BatchResult> {
    if (moves.length === 0) return emptyBatch();
    const response = await this.#transport.send(moveFilesRequest(this.#orgHex(orgSlug), orgSlug, moves));
    const result = parseBatchResult(response.status, response.body, orgSlug, moves.map((move) => move.from));
    return checkMoves(result, orgSlug, moves, (folder) => this.listFolder(orgSlug, folder));
  }

  /** D9: purge documents (and their embeddings); 200 all purged, 207 partly (see multistatus.ts). */
  async removeFiles(orgSlug: string, docpaths: string[]): Promise<BatchResult> {
    if (docpaths.length === 0) return emptyBatch();
    const response = await this.#transport.send(removeFilesRequest(this.#orgHex(orgSlug), orgSlug, docpaths));
    return parseBatchResult(response.status, response.body, orgSlug, docpaths);
  }

  /** Close the connection pool. */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  /** Safe description: base URL and account, never the key. */
  toString(): string {
    return `LumenOneClient(${this.apiBaseUrl}, account ${this.accountId})`;
  }

  /** JSON form without the key (for diagnostics dumps). */
  toJSON(): { apiBaseUrl: string; accountId: string } {
    return { apiBaseUrl: this.apiBaseUrl, accountId: this.accountId };
  }

  [inspect.custom](): string {
    return this.toString();
  }

  #orgHex(orgSlug: string): string {
    return this.#orgSlugHex.get(orgSlug) ?? toHexSlug(orgSlug);
  }

  #workspaceHex(workspaceSlug: string): string {
    return this.#workspaceSlugHex.get(workspaceSlug) ?? toHexSlug(workspaceSlug);
  }

  async #call<T>(apiRequest: ApiRequest, parse: (body: unknown) => T): Promise<T> {
    return this.#parsed(apiRequest, await this.#transport.send(apiRequest), parse);
  }

  /** Run a parser; a body it cannot understand becomes a RemoteError of kind 'protocol'. */
  #parsed<T>(apiRequest: ApiRequest, response: ApiResponse, parse: (body: unknown) => T): T {
    try {
      return parse(response.body);
    } catch (error) {
      if (error instanceof ResponseShapeError) throw this.#transport.shapeFailure(apiRequest, this.#transport.urlOf(apiRequest), response.status, error);
      throw error;
    }
  }
}
