/**
 * Which pages of a folder listing to ask for (contract §6.13, §13 U2): by `offset += limit`, never
 * by items received (upstream drops items after slicing, so pages can be short); `hasMore` is
 * followed; a server that ignores paging (repeats itself) or never says `hasMore: false` is
 * stopped once a page brings nothing new. The requests and their parsing are the caller's.
 */
import type { StreamedPageInfo } from './listing-stream.js';

/** Listing pages requested at once once the folder's size is known. */
const LIST_PAGES_IN_FLIGHT = 2;

/** `run` over every item, at most `width` at a time; results in input order. */
async function inBatches<T, R>(items: T[], width: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await run(items[index]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

/** One page as the caller fetched it: what it said (undefined: the folder is gone, 404) and how many documents were new. */
export interface FetchedPage {
  page: StreamedPageInfo | undefined;
  fresh: number;
}

/** Ask for the pages of one folder through `fetchPage`; how many were asked, and whether the folder exists. */
export async function walkFolderPages(fetchPage: (offset: number) => Promise<FetchedPage>, limit: number, maxPages: number): Promise<{ exists: boolean; pages: number }> {
    const gone = (pages: number): { exists: boolean; pages: number } => ({ exists: false, pages });
    let last = await fetchPage(0);
    let pages = 1;
    let offset = limit;
    if (last.page === undefined) return gone(pages);
    // The size is known: the pages up to totalCount are asked LIST_PAGES_IN_FLIGHT at a time, so the
    // server prepares one page while this side parses another.
    const totalCount = last.page.totalCount;
    if (last.page.hasMore && last.fresh > 0 && totalCount !== undefined && totalCount > offset) {
      const offsets: number[] = [];
      for (let next = offset; next < totalCount && pages + offsets.length < maxPages; next += limit) offsets.push(next);
      const results = await inBatches(offsets, LIST_PAGES_IN_FLIGHT, fetchPage);
      pages += offsets.length;
      offset = offsets[offsets.length - 1]! + limit;
      if (results.some((result) => result.page === undefined)) return gone(pages);
      last = results[results.length - 1]!;
    }
    // Past the announced size (documents added meanwhile, or a server that never ends): one by one.
    for (; pages < maxPages; pages += 1, offset += limit) {
      const page = last.page!;
      if (!page.hasMore) break;
      // Items but nothing new: the server ignores `offset` and repeats itself.
      if (page.items > 0 && last.fresh === 0) break;
      // An empty page is the end unless the count says more follow (a whole page dropped after slicing).
      if (page.items === 0 && (page.totalCount === undefined || offset >= page.totalCount)) break;
      last = await fetchPage(offset);
      if (last.page === undefined) return gone(pages + 1);
    }
    return { exists: true, pages };
}
