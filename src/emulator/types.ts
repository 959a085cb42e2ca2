/** Types shared by the emulator's modules (re-exported by server.ts for in-process users). */

import type { IncomingMessage } from 'node:http';
import type { FaultEngine } from './faults.js';
import type { EmulatorState, OrgRecord, WorkspaceRecord } from './state.js';
import type { Upstream } from './upstream.js';

/** One request as the emulator saw it (tests assert on these). */
export interface RequestLogEntry {
  seq: number;
  /** ms since epoch. */
  receivedAt: number;
  method: string;
  /** URL pathname, without the query string. */
  path: string;
  /** The query string without `?`, when there is one (listing pages). */
  query?: string;
  /** null = connection dropped without an answer. */
  status: number | null;
  fault?: 'latency' | 'spike' | '429' | '500' | 'drop' | 'drop-after-apply' | '413' | 'down' | 'stall' | `${number}-after-apply`;
  /** When a 429 was sent. */
  retryAfterSeconds?: number;
  accountId?: string;
  /** remove-files outcome per docpath. */
  removeFiles?: { docpath: string; outcome: 'purged' | 'failed'; reason?: string }[];
  /** Successful uploads. */
  upload?: { fileName: string; title?: string; docSource?: string; sha256: string; bytes: number; docpaths: string[] };
  /** update-embeddings as requested. */
  embeddings?: { workspaceSlug: string; adds: string[]; deletes: string[] };
  /** Server time the request modelled (U1's processing), in ms: an injected delay's answer comes this much later. */
  processingMs?: number;
}

/** Details a route adds to its log entry. */
export type LogDetails = Pick<RequestLogEntry, 'removeFiles' | 'upload' | 'embeddings' | 'fault' | 'processingMs'>;

/** What a route answers: a status and a JSON body (undefined = empty body). */
export interface Reply {
  status: number;
  body?: unknown;
  /** Already-serialised JSON body (large listings); wins over `body`. */
  rawJson?: string;
  /**
   * A JSON body as text parts, written in chunks with backpressure (answers too big for one
   * string: 1,000,000 documents); wins over `rawJson` and `body`. Iterated once, while writing.
   */
  jsonParts?: Iterable<string>;
  headers?: Record<string, string>;
}

/** Everything a route handler may use; org/workspace are resolved from hex path slugs. */
export interface RouteContext {
  req: IncomingMessage;
  state: EmulatorState;
  faults: FaultEngine;
  /** Upstream behaviours in force (contract §13). */
  upstream: Upstream;
  params: Record<string, string>;
  query: URLSearchParams;
  companyId: string;
  accountId: string | undefined;
  org: OrgRecord | undefined;
  workspace: WorkspaceRecord | undefined;
  /** Filled by the handler for the request log. */
  log: LogDetails;
}

/** A route handler. */
export type RouteHandler = (ctx: RouteContext) => Reply | Promise<Reply>;

/**
 * A route: `pattern` segments after `/api/v1`, `:orgSlugHex` / `:workspaceSlugHex` are resolved
 * and authorised by the pipeline, other `:name` segments are passed as plain params.
 */
export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: string;
  /** 'key': bearer only; 'optional-account': X-Account-Id optional; 'account': required. */
  scope: 'key' | 'optional-account' | 'account';
  /** Mutations are the ones drop-after-apply can hit. */
  mutation: boolean;
  handler: RouteHandler;
}
