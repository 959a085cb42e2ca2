/**
 * Upstream's document parsing verdicts (contract §13 U9), as the collector reaches them: no
 * extension, an unknown extension whose first KB does not look like text, or no text at all.
 * Each is a 500 `{ success: false, error, documents: [] }` that no retry will ever change.
 * Switched off with the fault option `parseAnyFile`.
 */
import path from 'node:path';

/** Extensions the collector has a converter for (anything else is sniffed). */
export const SUPPORTED_EXTENSIONS: ReadonlySet<string> = new Set([
  '.txt', '.md', '.org', '.adoc', '.rst', '.html', '.csv', '.json', '.docx', '.pptx', '.xlsx', '.odt', '.odp', '.pdf', '.mbox', '.epub',
  '.mp3', '.wav', '.mp4', '.mpeg', '.ogg', '.oga', '.opus', '.m4a', '.webm',
  '.png', '.jpg', '.jpeg', '.webp',
]);

/** Bytes the sniff reads from the start of a file. */
export const SNIFF_BYTES = 1024;

/** The collector's sniff: text when NULs plus control characters are under 10 % of the bytes read (so never for 0 bytes). */
export function looksLikeText(head: Buffer): boolean {
  const content = head.toString('utf8');
  const nulls = (content.match(/\0/g) ?? []).length;
  // eslint-disable-next-line no-control-regex -- the same class as upstream's
  const controls = (content.match(/[\x00-\x08\x0B\x0C\x0E-\x1F]/g) ?? []).length;
  return nulls + controls < head.length * 0.1;
}

/** Why upstream refuses to parse this upload (its exact words), or undefined when it parses. */
export function parsingFailure(fileName: string, head: Buffer, bytes: number): string | undefined {
  const extension = path.posix.extname(fileName).toLowerCase();
  if (extension === '') return 'No file extension found. This file cannot be processed.';
  if (!SUPPORTED_EXTENSIONS.has(extension) && !looksLikeText(head)) {
    return `File extension ${extension} not supported for parsing and cannot be assumed as text file type.`;
  }
  if (bytes === 0) return `No text content found in ${fileName}.`;
  return undefined;
}
