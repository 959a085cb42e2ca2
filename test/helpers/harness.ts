/** Test harness: an emulator on port 0, temporary trees, and the real CLI in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Journal } from '../../src/journal/journal.js';
import { startEmulator, type EmulatorHandle, type FaultOptions } from '../../src/emulator/server.js';

export const DEV_KEY = 'lumensync-dev-key';
const SETPRIV = '/usr/bin/setpriv';
const DROP_DAC = ['--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search'];
export const ACME_ACCOUNT = '11111111-2222-3333-4444-555555555555';
/** The dev key's second account (org globex, workspace helpdesk) in the default seed. */
export const GLOBEX_ACCOUNT = '22222222-3333-4444-5555-666666666666';
/** What users run: bin/lumensync.js (the bundle `npm run build` writes, see scripts/bundle.mjs). */
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'lumensync.js');

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
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; onSpawn?: (child: ChildProcess) => void; uid?: number; gid?: number; dropDac?: boolean; nodeArgs?: string[] } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const nodeCommand = [process.execPath, ...(options.nodeArgs ?? []), CLI, ...args];
    // Root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH obeys permission bits like any user.
    const [command, ...commandArgs] = options.dropDac ? [SETPRIV, ...DROP_DAC, '--', ...nodeCommand] : nodeCommand;
    const child = spawn(command!, commandArgs, {
      env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...options.env },
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
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

// ---- reliability-suite helpers (issue 6) ----

/** Content hash + mode of every file under `root` (relative path → "sha256:mode"); symlinks are recorded by target. */
export async function hashTree(root: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
    for (const entry of entries) {
      const absolute = path.join(dir, entry.name);
      const relativePath = path.relative(root, absolute);
      if (entry.isSymbolicLink()) result.set(relativePath, `link:${await readlink(absolute)}`);
      else if (entry.isDirectory()) { result.set(`${relativePath}/`, `dir:${((await lstat(absolute)).mode & 0o7777).toString(8)}`); await walk(absolute); }
      else if (entry.isFile()) {
        const info = await lstat(absolute);
        let digest = 'unreadable';
        try { digest = createHash('sha256').update(await readFile(absolute)).digest('hex'); } catch { /* a chmod 000 file: its mode still counts */ }
        result.set(relativePath, `${digest}:${(info.mode & 0o7777).toString(8)}:${info.mtimeMs}`);
      }
    }
  };
  await walk(root);
  return result;
}

/** A mirror audit: what is duplicated, missing or left over on the remote compared with the folder. */
export interface MirrorAudit {
  /** Relative paths (or titles) with more than one document, and documents no journal entry accounts for. */
  duplicates: string[];
  /** Relative paths whose document is absent or holds other content than the file. */
  missing: string[];
  /** Remote titles that match no local file (title audit only). */
  extra: string[];
  documents: number;
}

/** Duplicates (titles with more than one document), missing and unexpected titles of a mirror folder. */
export function auditMirror(emu: EmulatorHandle, folder: string, expectedTitles: Iterable<string>, orgSlug = 'acme'): MirrorAudit {
  const byTitle = documentsByTitle(emu, folder, orgSlug);
  const expected = new Set(expectedTitles);
  const duplicates = [...byTitle].filter(([, docpaths]) => docpaths.length > 1).map(([title]) => title);
  const missing = [...expected].filter((title) => !byTitle.has(title));
  const extra = [...byTitle.keys()].filter((title) => !expected.has(title));
  let documents = 0;
  for (const docpaths of byTitle.values()) documents += docpaths.length;
  return { duplicates, missing, extra, documents };
}

/**
 * The strong audit, valid across renames (a rename keeps the remote title): through the
 * journal, every local file maps to exactly one remote document holding its content, and every
 * remote document of the folder belongs to exactly one file.
 */
export async function auditMirrorByJournal(emu: EmulatorHandle, folder: string, stateDir: string, files: ReadonlyMap<string, string | Buffer>, orgSlug = 'acme'): Promise<MirrorAudit> {
  const journal = await Journal.open({ stateDir, readOnly: true });
  const docpathOf = new Map<string, string>();
  for (const entry of journal.entries()) docpathOf.set(entry.relativePath, entry.docpath);
  await journal.close();
  const remote = emu.state.listDocuments(orgSlug).filter((doc) => doc.folder === folder);
  const remoteByDocpath = new Map(remote.map((doc) => [doc.docpath, doc]));
  const missing: string[] = [];
  const owners = new Map<string, string[]>();
  for (const [relativePath, content] of files) {
    const docpath = docpathOf.get(relativePath);
    const doc = docpath === undefined ? undefined : remoteByDocpath.get(docpath);
    if (!doc || doc.sha256 !== createHash('sha256').update(content).digest('hex')) { missing.push(relativePath); continue; }
    owners.set(doc.docpath, [...(owners.get(doc.docpath) ?? []), relativePath]);
  }
  const duplicates = [
    ...[...owners].filter(([, paths]) => paths.length > 1).map(([docpath]) => `shared document ${docpath}`),
    ...remote.filter((doc) => !owners.has(doc.docpath)).map((doc) => `stray document ${doc.docpath} (title ${doc.title})`),
  ];
  return { duplicates, missing, extra: [], documents: remote.length };
}

/** Every byte of every regular file under `dir` (state dirs, log files), for secret greps; '' when missing. */
export async function readAllBytes(dir: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (current: string): Promise<void> => {
    let entries;
    try { entries = await readdir(current, { withFileTypes: true }); } catch { return; }
    for (const entry of entries) {
      const absolute = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(absolute);
      else if (entry.isFile()) parts.push(await readFile(absolute, 'latin1'));
    }
  };
  await walk(dir);
  return parts.join('\n');
}

/** Permission bits of every file and directory under `dir` (relative path → mode), for the 0600/0700 checks. */
export async function fileModes(dir: string): Promise<Map<string, number>> {
  const modes = new Map<string, number>();
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const absolute = path.join(current, entry.name);
      modes.set(path.relative(dir, absolute) + (entry.isDirectory() ? '/' : ''), (await lstat(absolute)).mode & 0o777);
      if (entry.isDirectory()) await walk(absolute);
    }
  };
  await walk(dir);
  return modes;
}

/** Resolve once `predicate` holds (polled every `intervalMs`), or reject after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition', intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The standard sync argv for the acme mirror used by the suites. */
export const mirrorArgs = (command: 'sync' | 'watch', root: string, stateDir: string, folder: string, extra: string[] = []): string[] =>
  [command, root, '--org', 'acme', '--folder', folder, '--workspace', 'support-bot', '--state-dir', stateDir, '--rate', '0', ...(command === 'sync' ? ['--no-progress'] : []), ...extra];

/** What a stub answers instead of the upstream: status, raw body text and headers. */
export interface StubAnswer { status: number; body: string; headers?: Record<string, string> }

/** A request the stub saw, with the upstream's answer when it was forwarded. */
export interface StubExchange { method: string; path: string; upstream?: { status: number; body: string } }

/**
 * A loopback proxy in front of `upstreamUrl` that may replace answers: `rewrite` sees each
 * request (and the upstream answer when `forwardFirst` says so) and returns a replacement or
 * undefined to pass the real answer through. For garbled-server cases: non-JSON, empty,
 * truncated bodies, odd 207 shapes — applied or not applied upstream.
 */
export async function startStubProxy(
  upstreamUrl: string,
  rewrite: (exchange: StubExchange) => StubAnswer | undefined,
  forwardFirst: (exchange: StubExchange) => boolean = () => true,
  options: { tls?: { cert: string; key: string } } = {},
): Promise<{ url: string; exchanges: StubExchange[]; close(): Promise<void> }> {
  const upstream = new URL(upstreamUrl);
  const exchanges: StubExchange[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const exchange: StubExchange = { method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://stub.invalid').pathname };
      exchanges.push(exchange);
      const answer = (real: StubAnswer): void => {
        const replacement = rewrite(exchange);
        const chosen = replacement ?? real;
        res.writeHead(chosen.status, { 'content-type': 'application/json', ...chosen.headers });
        res.end(chosen.body);
      };
      if (!forwardFirst(exchange)) { answer({ status: 599, body: 'stub: not forwarded' }); return; }
      const forwarded = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (upstreamRes) => {
        const parts: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => parts.push(chunk));
        upstreamRes.on('end', () => {
          const body = Buffer.concat(parts).toString('utf8');
          exchange.upstream = { status: upstreamRes.statusCode ?? 0, body };
          answer({ status: upstreamRes.statusCode ?? 502, body, headers: upstreamRes.headers['retry-after'] ? { 'retry-after': String(upstreamRes.headers['retry-after']) } : {} });
        });
      });
      forwarded.on('error', () => { res.destroy(); });
      forwarded.end(Buffer.concat(chunks));
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    exchanges,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Spawn options that drop root, so permission cases (chmod 000) behave as for a normal user; {} when not root. */
export function unprivileged(): { uid?: number; gid?: number; dropDac?: boolean } {
  if (process.getuid?.() !== 0) return {};
  // Dropping the capabilities keeps root's own access to the checkout (wherever CI cloned it);
  // another uid needs every folder above the checkout and the node binary to be world-traversable.
  return existsSync(SETPRIV) ? { dropDac: true } : { uid: 65534, gid: 65534 };
}

/** A local folder under test and the model of what it holds (relative path → content); the workload of the crash suites. */
export class MirrorTree {
  readonly files = new Map<string, string>();
  private counter = 0;
  constructor(readonly root: string) {}

  /** Write the initial tree: `count` files `d<i % 20>/f<i>.md`. */
  async seed(count: number): Promise<void> {
    const initial: Record<string, string> = {};
    for (let index = 0; index < count; index += 1) initial[`d${index % 20}/f${index}.md`] = `# document ${index}\n`;
    await writeTree(this.root, initial);
    for (const [relativePath, content] of Object.entries(initial)) this.files.set(relativePath, content);
  }

  /** Add `count` new files spread over 20 directories. */
  async add(count: number): Promise<void> {
    const added: Record<string, string> = {};
    for (let index = 0; index < count; index += 1) {
      const relativePath = `d${this.counter % 20}/new ${this.counter}.md`;
      added[relativePath] = `# new ${this.counter}\n`;
      this.counter += 1;
    }
    await writeTree(this.root, added);
    for (const [relativePath, content] of Object.entries(added)) this.files.set(relativePath, content);
  }

  /** Edit `count` files (first in sorted order after `offset`), so the next run replaces them. */
  async edit(count: number, offset = 0): Promise<void> {
    for (const relativePath of [...this.files.keys()].sort().slice(offset, offset + count)) {
      await appendFile(path.join(this.root, relativePath), ` edit ${this.counter}`);
      this.files.set(relativePath, `${this.files.get(relativePath)} edit ${this.counter}`);
    }
    this.counter += 1;
  }

  /** Delete the last `count` files in sorted order. */
  async remove(count: number): Promise<void> {
    for (const relativePath of [...this.files.keys()].sort().reverse().slice(0, count)) {
      await rm(path.join(this.root, relativePath));
      this.files.delete(relativePath);
    }
  }

  /** Move the first `count` files into moved/ (a rename costs no upload). */
  async renameSome(count: number): Promise<void> {
    for (const relativePath of [...this.files.keys()].sort().slice(0, count)) {
      const target = `moved/${this.counter}-${path.basename(relativePath)}`;
      await mkdir(path.join(this.root, 'moved'), { recursive: true });
      await rename(path.join(this.root, relativePath), path.join(this.root, target));
      this.files.set(target, this.files.get(relativePath)!);
      this.files.delete(relativePath);
      this.counter += 1;
    }
  }

  /** Change mtimes only: the scanner must re-hash, the remote must see nothing. */
  async touch(count: number): Promise<void> {
    const when = new Date(Date.now() + 5_000 + this.counter * 1000);
    for (const relativePath of [...this.files.keys()].sort().slice(0, count)) await utimes(path.join(this.root, relativePath), when, when);
    this.counter += 1;
  }
}
