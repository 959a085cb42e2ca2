/**
 * The multipart body of an upload (D1/D2). A file already in memory (small files, read and
 * checked by the executor) is encoded into one buffer: undici writes it with the headers in one
 * socket write, with no stream, Blob or FormData machinery per upload (issue 11 item 5). Any other
 * file goes into a FormData whose file part streams from disk (a file-backed Blob), never held whole.
 * Both encodings are byte-for-byte the WHATWG multipart/form-data algorithm undici implements.
 */
import { randomInt } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import type { FormData } from 'undici';
import { LumenSyncError } from '../errors.js';
import type { UploadRequest } from './types.js';

/** What undici is given: a FormData (streamed file part), or the whole encoded body and its content type. */
export type UploadBody = { form: FormData } | { bytes: Buffer; contentType: string };

/** A file-backed Blob: the upload streams from disk, never the whole file in memory. */
export async function openFile(filePath: string): Promise<Blob> {
  try {
    return await openAsBlob(filePath);
  } catch (error) {
    throw new LumenSyncError('LUMENSYNC_LOCAL_IO', `The file "${filePath}" could not be opened for upload.`, {
      hint: 'the file vanished or is unreadable; the next pass re-scans it',
      cause: error,
    });
  }
}

/** The text fields of an upload after the file part, in the order they are sent. */
function fieldsOf(upload: UploadRequest): [string, string][] {
  const fields: [string, string][] = [];
  if (upload.addToWorkspaces !== undefined && upload.addToWorkspaces.length > 0) fields.push(['addToWorkspaces', upload.addToWorkspaces.join(',')]);
  if (upload.metadata !== undefined && Object.keys(upload.metadata).length > 0) fields.push(['metadata', JSON.stringify(upload.metadata)]);
  return fields;
}

/** The body of D1/D2: `upload.content` encoded in one buffer when given, else the file streamed from `filePath`. */
export async function uploadBodyOf(upload: UploadRequest): Promise<UploadBody> {
  if (upload.content !== undefined) return encodeMultipart(upload.fileName, upload.content, fieldsOf(upload));
  const { FormData } = await import('./undici-parts.js');
  const form = new FormData();
  form.append('file', await openFile(upload.filePath), upload.fileName);
  for (const [name, value] of fieldsOf(upload)) form.append(name, value);
  return { form };
}

// The escapes and line-break normalisation of the WHATWG algorithm (as in undici's body.js).
const escapeQuoted = (text: string): string => text.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
const normaliseLinefeeds = (text: string): string => text.replace(/\r?\n|\r/g, '\r\n');

/** multipart/form-data with one file part named "file" (application/octet-stream, like a file-backed Blob) then `fields`. */
export function encodeMultipart(fileName: string, content: Uint8Array, fields: [string, string][]): { bytes: Buffer; contentType: string } {
  const boundary = `----formdata-lumensync-${String(randomInt(1e11)).padStart(11, '0')}`;
  const prefix = `--${boundary}\r\nContent-Disposition: form-data`;
  let tail = '\r\n';
  for (const [name, value] of fields) tail += `${prefix}; name="${escapeQuoted(normaliseLinefeeds(name))}"\r\n\r\n${normaliseLinefeeds(value)}\r\n`;
  tail += `--${boundary}--\r\n`;
  const head = `${prefix}; name="file"; filename="${escapeQuoted(fileName)}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  // One allocation, the text written straight into it (no intermediate buffers per upload).
  const headBytes = Buffer.byteLength(head, 'utf8');
  const bytes = Buffer.allocUnsafe(headBytes + content.length + Buffer.byteLength(tail, 'utf8'));
  bytes.write(head, 0, 'utf8');
  bytes.set(content, headBytes);
  bytes.write(tail, headBytes + content.length, 'utf8');
  return { bytes, contentType: `multipart/form-data; boundary=${boundary}` };
}
