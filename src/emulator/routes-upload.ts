/**
 * Upload routes D1/D2: multipart parsed by busboy, the file hashed while streaming (sha256 +
 * byte count) and never buffered or kept — only its metadata becomes a stored document.
 */

import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { fail, isRecord } from './http.js';
import { uploadedDocumentJson } from './present.js';
import { folderNameProblem } from './seed.js';
import { storedNameFor } from './slugify.js';
import { DEFAULT_FOLDER, type StoredDocument } from './state.js';
import type { Reply, Route, RouteContext } from './types.js';
import { resolveAddToWorkspaces } from './validation.js';
import { parsingFailure, SNIFF_BYTES } from './parsing.js';

/** Metadata keys kept from the `metadata` field; others are ignored (upstream). */
export const METADATA_KEYS = ['title', 'docAuthor', 'description', 'docSource', 'chunkSource', 'url', 'published'] as const;

/** What a parsed multipart upload carried. */
interface ParsedUpload {
  fields: Map<string, string>;
  file?: { fileName: string; sha256: string; bytes: number; head: Buffer };
  /** The file went over `maxUploadBytes`. */
  tooLarge: boolean;
  /** First multipart-level problem (unexpected file field, truncated field…). */
  problem?: string;
}

/** Stream the multipart body through busboy; resolves once the whole request has been read. */
const parseMultipart = (req: IncomingMessage, maxUploadBytes: number): Promise<ParsedUpload> => {
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fieldSize: 1024 * 1024, fields: 100 } });
  } catch {
    req.resume();
    return Promise.reject(fail(400, `Content-Type must be multipart/form-data (got "${req.headers['content-type'] ?? 'none'}")`));
  }
  const parsed: ParsedUpload = { fields: new Map(), tooLarge: false };
  const noteProblem = (problem: string) => { parsed.problem ??= problem; };
  const finishers: (() => void)[] = [];
  return new Promise((resolve, reject) => {
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) noteProblem(`form field ${name} is too large`);
      if (!parsed.fields.has(name)) parsed.fields.set(name, value);
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || parsed.file !== undefined) {
        noteProblem(name !== 'file' ? `unexpected file field "${name}" (send the document as "file")` : 'only one file per upload');
        stream.resume();
        return;
      }
      const hash = createHash('sha256');
      const file = { fileName: info.filename ?? '', sha256: '', bytes: 0, head: Buffer.alloc(0) };
      parsed.file = file;
      stream.on('data', (chunk: Buffer) => {
        // The first KB is all U9's sniff reads; the rest is only hashed.
        if (file.head.length < SNIFF_BYTES) file.head = Buffer.concat([file.head, chunk.subarray(0, SNIFF_BYTES - file.head.length)]);
        file.bytes += chunk.length;
        if (maxUploadBytes > 0 && file.bytes > maxUploadBytes) parsed.tooLarge = true;
        if (!parsed.tooLarge) hash.update(chunk);
      });
      finishers.push(() => { file.sha256 = hash.digest('hex'); });
    });
    parser.on('close', () => {
      // busboy closes only after every file stream ended, so the hash has seen all bytes.
      for (const finish of finishers.splice(0)) finish();
      resolve(parsed);
    });
    parser.on('error', (error: Error) => {
      req.unpipe(parser);
      req.resume();
      reject(fail(400, `malformed multipart body: ${error.message}`));
    });
    req.on('aborted', () => reject(fail(400, 'upload aborted by the client')));
    req.pipe(parser);
  });
};

/** Parse the `metadata` field: a JSON object whose known keys must be strings. */
const readMetadata = (raw: string | undefined): Partial<Record<(typeof METADATA_KEYS)[number], string>> => {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw fail(400, 'metadata must be a JSON object string (it is not valid JSON)');
  }
  if (!isRecord(parsed)) throw fail(400, 'metadata must be a JSON object');
  const metadata: Partial<Record<(typeof METADATA_KEYS)[number], string>> = {};
  for (const key of METADATA_KEYS) {
    const value = parsed[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw fail(400, `metadata.${key} must be a string`);
    metadata[key] = value;
  }
  return metadata;
};

/**
 * Upstream's default `published` (`toLocaleString('en-US')`, to the second), formatted once per
 * second: the ICU call costs more than the rest of building the document (benchmark row 2).
 */
const publishedText = (() => {
  let second = Number.NaN;
  let text = '';
  return (now: Date): string => {
    const at = Math.floor(now.getTime() / 1000);
    if (at !== second) {
      second = at;
      text = now.toLocaleString('en-US');
    }
    return text;
  };
})();

const upload = async (ctx: RouteContext): Promise<Reply> => {
  const org = ctx.org!;
  const maxUploadBytes = ctx.faults.settings.maxUploadBytes ?? 0;
  // The body is always read to its end before answering, so clients never see a reset mid-send.
  const parsed = await parseMultipart(ctx.req, maxUploadBytes);
  if (parsed.tooLarge) {
    ctx.log.fault = '413';
    throw fail(413, `File too large: the upload limit is ${maxUploadBytes} bytes`);
  }
  const requestedFolder = ctx.params.folderName ?? DEFAULT_FOLDER;
  // U3: the folder is checked only after processing, and a failure there leaves the document in custom-documents.
  const slashFolder = ctx.upstream.on('U3') && requestedFolder.includes('/');
  const folderProblem = slashFolder ? undefined : folderNameProblem(requestedFolder);
  if (folderProblem !== undefined) throw fail(400, folderProblem);
  if (parsed.problem !== undefined) throw fail(400, parsed.problem);
  const file = parsed.file;
  if (file === undefined) throw fail(400, 'file is required (multipart part named "file")');
  if (file.fileName === '') throw fail(400, 'the file part needs a filename');
  const metadata = readMetadata(parsed.fields.get('metadata'));
  const workspaceSlugs = resolveAddToWorkspaces(parsed.fields.get('addToWorkspaces'), org, ctx.state);
  // U9: the collector refuses what it cannot parse with a 500, stores nothing, embeds nothing.
  const refusal = ctx.faults.settings.parseAnyFile === true || !ctx.upstream.on('U9') ? undefined : parsingFailure(file.fileName, file.head, file.bytes);
  if (refusal !== undefined) {
    return { status: 500, body: { success: false, error: refusal, documents: [] } };
  }
  const orphaned = ctx.params.folderName !== undefined && (slashFolder || ctx.faults.orphanUpload());
  const folder = orphaned ? DEFAULT_FOLDER : requestedFolder;
  if (ctx.upstream.on('U4')) {
    delete metadata.url;
    delete metadata.published;
  }
  // U1: processed from the shared temporary file, which a same-named upload may have overwritten
  // (its processing time is logged: an injected delay's answer waits it too, server.ts).
  let content = { sha256: file.sha256, bytes: file.bytes };
  if (ctx.upstream.on('U1')) {
    if (ctx.upstream.processingMs > 0) ctx.log.processingMs = ctx.upstream.processingMs;
    content = await ctx.upstream.slots.process(file.fileName, content, ctx.upstream.processingMs);
  }

  const id = randomUUID();
  const storedName = storedNameFor(file.fileName, id);
  const now = new Date();
  const doc: StoredDocument = {
    id,
    docpath: `${org.orgSlug}/${folder}/${storedName}`,
    folder,
    storedName,
    orgSlug: org.orgSlug,
    title: file.fileName,
    docAuthor: 'Unknown',
    description: 'Unknown',
    docSource: 'a text file uploaded by the user.',
    chunkSource: file.fileName,
    url: `file:///app/collector/hotdir/${file.fileName}`,
    published: publishedText(now),
    ...metadata,
    sha256: content.sha256,
    bytes: content.bytes,
    createdAt: now.toISOString(),
    // Estimates: the content itself is never kept, so counts derive from the size.
    wordCount: Math.ceil(content.bytes / 6),
    tokenCountEstimate: Math.ceil(content.bytes / 4),
  };
  ctx.state.addDocument(doc);
  if (orphaned) {
    ctx.log.fault = '500';
    return { status: 500 };
  }
  // U5: an embedding failure is only logged upstream; the upload still answers 200.
  for (const workspaceSlug of workspaceSlugs) if (!ctx.faults.embedFails()) ctx.state.embed(workspaceSlug, doc.docpath);
  ctx.log.upload = {
    fileName: file.fileName, title: doc.title, docSource: doc.docSource, sha256: content.sha256, bytes: content.bytes, docpaths: [doc.docpath],
  };
  return { status: 200, body: { success: true, error: null, documents: [uploadedDocumentJson(doc)] } };
};

/** D1, D2. */
export const uploadRoutes: Route[] = [
  { method: 'POST', pattern: 'org/:orgSlugHex/document/upload', scope: 'account', mutation: true, handler: upload },
  { method: 'POST', pattern: 'org/:orgSlugHex/document/upload/:folderName', scope: 'account', mutation: true, handler: upload },
];

