/**
 * A held folder page read through the array skimmer (array-skimmer.ts) instead of one
 * `JSON.parse` of the whole text: the elements of a `documents`/`items` array are decoded and
 * parsed a run of them at a time (at most 64 KiB), so a 1,000-document page (~530 KB) never
 * becomes one big string. V8 puts a string that big in its large-object space: decoding it cost
 * 20–30× more per byte than small strings (row 10's profile: 0.42 s of 100 pages) and it stays in
 * memory until a full GC.
 * Reads exactly what whole-page.ts reads: the first `documents`/`items` array of the page object
 * (JSON.parse's view of duplicate keys), or a bare array; elements are validated by `JSON.parse`.
 */
import { ArraySkimmer } from './array-skimmer.js';
import { ResponseShapeError, parseJsonText } from './parse.js';
import type { RemoteDocument } from './types.js';
import { documentOfItem, pageInfoOf, parseWholeFolderPage, type PageInfo } from './whole-page.js';

const LIST_KEYS = ['documents', 'items'];

const notJson = (error: unknown): ResponseShapeError => (error instanceof ResponseShapeError ? error : new ResponseShapeError(`the answer is not JSON (${(error as Error).message})`));

/** Parse one page body held as `chunks`; documents go to `onDocument` in order. Throws ResponseShapeError like whole-page.ts. */
export function parseSkimmedFolderPage(
  chunks: readonly Buffer[],
  orgSlug: string,
  folder: string,
  keys: ReadonlySet<string>,
  onDocument: (document: RemoteDocument) => void,
): PageInfo {
  // Documents and element counts per skimmed array: which array is the list is known at the end.
  const documents: RemoteDocument[][] = [];
  const counts: number[] = [];
  const skimmer = new ArraySkimmer(LIST_KEYS, (arrayIndex, item) => {
    counts[arrayIndex] = (counts[arrayIndex] ?? 0) + 1;
    const document = documentOfItem(item, orgSlug, folder, keys);
    if (document !== undefined) (documents[arrayIndex] ??= []).push(document);
  });
  let skeletonText: string;
  let body: unknown;
  try {
    for (const chunk of chunks) skimmer.write(chunk);
    skeletonText = skimmer.end();
    body = parseJsonText(skeletonText);
  } catch (error) {
    throw notJson(error);
  }
  // A bare array is not skimmed (no key): the skeleton is the whole page.
  if (Array.isArray(body)) return parseWholeFolderPage(skeletonText, orgSlug, folder, keys, onDocument);
  let listIndex: number | undefined;
  if (typeof body === 'object' && body !== null) {
    for (const [key, value] of Object.entries(body)) {
      if (!LIST_KEYS.includes(key)) continue;
      listIndex = skimmer.arrayIndexOf(value);
      if (listIndex !== undefined) break;
    }
  }
  if (listIndex === undefined) throw new ResponseShapeError('no document list in folder listing (expected documents)');
  for (const document of documents[listIndex] ?? []) onDocument(document);
  return pageInfoOf(body, counts[listIndex] ?? 0);
}
