/**
 * How the emulator pages document listings, modelled on upstream (contract §6.13, §13 U2):
 * `offset` (default 0) and `limit` (1..max, or `all`); the default limit depends on the endpoint
 * (D4 folder listing: `all`; D3 with `?folder=`: 100); items missing required metadata are
 * dropped *after* slicing, so a page can be short; `totalCount` counts the folder and `hasMore`
 * says whether documents follow the slice. Fault switches (faults.ts) change the model: another
 * default or maximum, a server that ignores paging, one whose `hasMore` never ends, and a
 * fraction of documents whose metadata is missing.
 */
import { fail } from './http.js';
import type { FaultOptions } from './faults.js';

/** Upstream's largest `limit` (contract §13 U2). */
export const MAX_PAGE = 1000;
/** Upstream's default `limit` of `GET /v1/documents?folder=` (contract §13 U2). */
export const DOCUMENTS_PAGE_DEFAULT = 100;

/** One page request as parsed from the query. */
export interface PageRequest {
  offset: number;
  limit: number | 'all';
}

/** Parse `offset`/`limit` (limit ≤ max or `all`); `defaultLimit` applies when no limit is sent. */
export function readPage(query: URLSearchParams, defaultLimit: number | 'all', maxLimit = MAX_PAGE): PageRequest {
  const offsetText = query.get('offset') ?? '0';
  const offset = /^\d+$/.test(offsetText) ? Number(offsetText) : NaN;
  if (!Number.isSafeInteger(offset)) throw fail(400, `offset must be a non-negative integer (got "${offsetText}")`);
  const limitText = query.get('limit');
  if (limitText === null) return { offset, limit: defaultLimit };
  if (limitText === 'all') return { offset, limit: 'all' };
  const limit = /^\d+$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= maxLimit)) throw fail(400, `limit must be an integer from 1 to ${maxLimit}, or "all" (got "${limitText}")`);
  return { offset, limit };
}

/** FNV-1a of a string scaled to [0, 1): a stable per-document draw (the same document is always "broken"). */
const stableDraw = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 4294967296;
};

/** A page of `items` and what the body says about the rest (totalCount/hasMore absent when paging is ignored). */
export interface Page<T> {
  items: T[];
  totalCount: number | undefined;
  hasMore: boolean | undefined;
}

/**
 * Slice `all` the way upstream does, then drop the items whose metadata is "missing"
 * (`unlistedRate`, a stable draw on `keyOf(item)`).
 */
export function pageOf<T>(all: readonly T[], query: URLSearchParams, defaultLimit: number | 'all', faults: FaultOptions, keyOf: (item: T) => string): Page<T> {
  const unlistedRate = faults.unlistedRate ?? 0;
  const listed = (items: readonly T[]): T[] => (unlistedRate > 0 ? items.filter((item) => stableDraw(keyOf(item)) >= unlistedRate) : [...items]);
  if (faults.ignorePaging === true) return { items: listed(all), totalCount: undefined, hasMore: undefined };
  const configuredDefault = faults.listPageDefault === undefined ? defaultLimit : faults.listPageDefault === 0 ? 'all' : faults.listPageDefault;
  const { offset, limit } = readPage(query, configuredDefault, faults.listPageMax ?? MAX_PAGE);
  const slice = limit === 'all' ? all.slice(offset) : all.slice(offset, offset + limit);
  const hasMore = faults.endlessHasMore === true || offset + slice.length < all.length;
  return { items: listed(slice), totalCount: all.length, hasMore };
}
