/** Shared fixtures for the client-against-emulator contract tests. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LumenOneClient, type ClientOptions } from '../../src/api/client.js';
import { RemoteError } from '../../src/errors.js';

export const DEV_KEY = 'lumensync-dev-key';
export const OTHER_COMPANY_KEY = 'other-company-key';
export const ACME_ACCOUNT = '11111111-2222-3333-4444-555555555555';
export const GLOBEX_ACCOUNT = '22222222-3333-4444-5555-666666666666';
export const INITECH_ACCOUNT = '33333333-4444-5555-6666-777777777777';

/** A client for the emulator at `url` (defaults: dev key, acme account, short timeouts). */
export const clientFor = (url: string, options: Partial<ClientOptions> = {}): LumenOneClient =>
  new LumenOneClient({ host: url, apiKey: DEV_KEY, accountId: ACME_ACCOUNT, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, uploadTimeoutMs: 5000, ...options });

/** A temporary directory with helpers to write files into it; remove() deletes it. */
export async function tempFiles(): Promise<{ dir: string; write(name: string, content: string | Buffer): Promise<string>; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'lumensync-'));
  return {
    dir,
    write: async (name, content) => {
      const filePath = path.join(dir, name);
      await writeFile(filePath, content);
      return filePath;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Assert a RemoteError with these fields; returns it for further checks. */
export async function rejectsRemote(promise: Promise<unknown>, expected: Partial<Record<keyof RemoteError, unknown>>, hintParts: string[] = []): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RemoteError, `expected RemoteError, got ${String(error)}`);
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(error[key as keyof RemoteError], value, `field ${key} of ${error.message}`);
    for (const part of hintParts) assert.ok(error.hint?.includes(part), `hint ${JSON.stringify(error.hint)} lacks ${JSON.stringify(part)}`);
    for (const key of [DEV_KEY, OTHER_COMPANY_KEY]) assert.ok(!`${error.message} ${error.hint ?? ''} ${JSON.stringify(error)}`.includes(key), 'key leaked');
    return true;
  });
}
