/**
 * Row 2's floor: the least client work that sends the same uploads lumensync sends. A child
 * process (like the measured CLI) that reads each file, hashes it once, encodes the same
 * multipart body (upload-body.ts) and posts it with undici, `concurrency` loops in flight on a
 * keep-alive pool; no scan, journal, pacer, retries or logging. What the same emulator process
 * sustains with this client is what our code can at best reach on this machine under this load.
 *
 * Usage: node ideal-uploader.js <upload URL> <file list> <root> <concurrency>
 * (key and account from LUMENONE_API_KEY / LUMENONE_ACCOUNT_ID). Prints one JSON line.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { encodeMultipart } from '../../src/api/upload-body.js';
import { uploadFileNameFor, uploadMetadataFor } from '../../src/core/marker.js';

async function main(): Promise<void> {
  const [url, listFile, root, concurrencyText] = process.argv.slice(2);
  if (url === undefined || listFile === undefined || root === undefined) throw new Error('usage: ideal-uploader <url> <list> <root> <concurrency>');
  const concurrency = Number(concurrencyText ?? 8);
  const files = readFileSync(listFile, 'utf8').split('\n').filter((line) => line !== '');
  const agent = new Agent({ connections: concurrency });
  const authorization = `Bearer ${process.env.LUMENONE_API_KEY ?? ''}`;
  const account = process.env.LUMENONE_ACCOUNT_ID ?? '';
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const loop = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      const relativePath = file.slice(root.length + 1);
      const content = readFileSync(file);
      const sha256 = createHash('sha256').update(content).digest('hex');
      const body = encodeMultipart(uploadFileNameFor(relativePath, sha256), content, [
        ['addToWorkspaces', 'support-bot'], ['metadata', JSON.stringify(uploadMetadataFor(relativePath, sha256))]]);
      const response = await request(url, {
        dispatcher: agent, method: 'POST', body: body.bytes,
        headers: { authorization, 'x-account-id': account, 'content-type': body.contentType, accept: 'application/json' },
      });
      const answer = await response.body.json() as { success?: boolean };
      if (response.statusCode !== 200 || answer.success !== true) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const uploadMs = performance.now() - started;
  await agent.close();
  process.stdout.write(`${JSON.stringify({ uploads: files.length, failed, uploadMs })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
