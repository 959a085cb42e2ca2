/** Test harness: an emulator on port 0, temporary trees, and the real CLI in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type EmulatorHandle, type FaultOptions } from '../../src/emulator/server.js';

export const DEV_KEY = 'lumensync-dev-key';
export const ACME_ACCOUNT = '11111111-2222-3333-4444-555555555555';
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A temp dir removed by `cleanup()`. */
export async function tempDir(prefix = 'lumensync-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Write `files` (relative path → content) under `root`. */
export async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [relativePath, content] of Object.entries(files)) {
    const absolute = path.join(root, relativePath);
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, content);
  }
}

/** Spawn the CLI; resolves when it exits. The key is passed through the environment only. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; onSpawn?: (child: ChildProcess) => void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      child.stdout.on('end', () => undefined);
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
    options.onSpawn?.(child);
  });
}

/** An emulator plus connection env for the acme account. */
export async function emulatorFixture(faults?: FaultOptions): Promise<{ emu: EmulatorHandle; env: NodeJS.ProcessEnv }> {
  const emu = await startEmulator({ port: 0, ...(faults ? { faults } : {}) });
  return { emu, env: { LUMENONE_HOST: emu.url, LUMENONE_API_KEY: DEV_KEY, LUMENONE_ACCOUNT_ID: ACME_ACCOUNT } };
}

/** The mirror's documents grouped by title: duplicates show up as arrays longer than one. */
export function documentsByTitle(emu: EmulatorHandle, folder: string, orgSlug = 'acme'): Map<string, string[]> {
  const byTitle = new Map<string, string[]>();
  for (const doc of emu.state.listDocuments(orgSlug)) {
    if (doc.folder !== folder) continue;
    const title = String(doc.title);
    byTitle.set(title, [...(byTitle.get(title) ?? []), doc.docpath]);
  }
  return byTitle;
}

/** Requests of a kind in the emulator log since `fromSeq`. */
export const countRequests = (emu: EmulatorHandle, predicate: (entry: EmulatorHandle['requestLog'][number]) => boolean): number =>
  emu.requestLog.filter(predicate).length;

export const isUpload = (entry: { method: string; path: string }): boolean => entry.method === 'POST' && entry.path.includes('/document/upload');
export const isRemove = (entry: { method: string; path: string }): boolean => entry.method === 'DELETE' && entry.path.includes('/document/remove-files');
export const isMutation = (entry: { method: string; path: string }): boolean => entry.method !== 'GET';

/** Assert no byte of `texts` contains `secret`. */
export function assertNoSecret(secret: string, ...texts: string[]): void {
  for (const text of texts) if (text.includes(secret)) throw new Error('the API key leaked into captured output');
}

export async function removeAll(...dirs: string[]): Promise<void> {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}
