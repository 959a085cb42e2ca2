/**
 * What an upload sends, and what it proves about the file (issue 11 item 5).
 *
 * A file of at most `--upload-buffer-kib` is read into memory in one synchronous read when its
 * turn comes (no thread-pool hop, no file-backed Blob) and checked against the scan's size and
 * SHA-256: the bytes sent are exactly the bytes hashed, so the journal keeps the scan's stat
 * without a stat after the upload. A file that changed since the scan is not sent at all
 * (LUMENSYNC_LOCAL_IO, retryable): the next pass re-hashes it.
 *
 * A larger file streams from disk (its bytes are never all in memory at once, so they cannot be
 * hashed before sending); a stat after its upload tells whether it changed meanwhile.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { LumenSyncError } from '../errors.js';

/** Default `--upload-buffer-kib`: files up to 64 KiB are read whole and sent as one body. */
export const UPLOAD_BUFFER_DEFAULT_BYTES = 64 * 1024;

/** What the scan saw of a file. */
export interface ScannedFile { size: number; mtimeMs: number; sha256: string }

const changed = (absolutePath: string): LumenSyncError => new LumenSyncError('LUMENSYNC_LOCAL_IO', `The file "${absolutePath}" changed after it was scanned; it was not uploaded.`, {
  hint: 'the next pass re-hashes it and uploads what it holds then',
});

/** The file's bytes, provided they are the ones the scan hashed; LUMENSYNC_LOCAL_IO otherwise (never more than `scanned.size` + 1 bytes read). */
export function readScannedContent(absolutePath: string, scanned: ScannedFile): Buffer {
  let fd: number;
  try {
    fd = openSync(absolutePath, 'r');
  } catch (error) {
    throw new LumenSyncError('LUMENSYNC_LOCAL_IO', `The file "${absolutePath}" could not be opened for upload.`, {
      hint: 'the file vanished or is unreadable; the next pass re-scans it',
      cause: error,
    });
  }
  try {
    // One byte more than the scan saw: a file that grew reads past its size, one that shrank ends
    // early. No fstat (a syscall and a Stats object per upload): a regular file's read is short only at its end.
    const buffer = Buffer.allocUnsafe(scanned.size + 1);
    let read = 0;
    for (;;) {
      const bytes = readSync(fd, buffer, read, buffer.length - read, read);
      read += bytes;
      if (read > scanned.size) throw changed(absolutePath);
      if (bytes === 0 || read === scanned.size) break;
    }
    if (read !== scanned.size) throw changed(absolutePath);
    const content = buffer.subarray(0, read);
    if (createHash('sha256').update(content).digest('hex') !== scanned.sha256) throw changed(absolutePath);
    return content;
  } catch (error) {
    if (error instanceof LumenSyncError) throw error;
    throw new LumenSyncError('LUMENSYNC_LOCAL_IO', `The file "${absolutePath}" could not be read for upload.`, {
      hint: 'the file is unreadable; the next pass re-scans it',
      cause: error,
    });
  } finally {
    closeSync(fd);
  }
}

/** After a streamed upload: true when the file still has the scanned size and mtime (else the journal must not trust its hash). */
export async function unchangedSinceScan(absolutePath: string, scanned: ScannedFile): Promise<boolean> {
  const after = await stat(absolutePath).catch(() => undefined);
  return after !== undefined && after.size === scanned.size && after.mtimeMs === scanned.mtimeMs;
}
