/**
 * Bad-input catalogue (issue 6): every case runs the real CLI and asserts a message naming the
 * cause and the fix, the exit code, the local tree untouched (hashed before and after), and the
 * remote untouched where the input is rejected — or, for input lumensync must cope with, that
 * the mirror converges without loss or duplicates.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, chmod, mkdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { EmulatorHandle } from '../../src/emulator/server.js';
import {
  DEV_KEY, assertNoSecret, auditMirrorByJournal, emulatorFixture, hashTree, isMutation, isUpload, readAllBytes, removeAll, runCli, startStubProxy,
  tempDir, unprivileged, waitFor, writeTree, type CliResult, type StubAnswer, type StubExchange,
} from '../helpers/harness.js';

/** Everything one case may touch. */
interface CaseContext {
  emu: EmulatorHandle;
  env: NodeJS.ProcessEnv;
  root: string;
  stateDir: string;
  scratch: string;
  folder: string;
  /** The standard sync argv with `overrides` replacing flags of the same name (never repeated: yargs would make arrays). */
  args(overrides?: Record<string, string | undefined>, extra?: string[]): string[];
  /** Files the case expects in the mirror when it converges (relative path → content). */
  files: Map<string, string | Buffer>;
  cleanups: (() => Promise<void>)[];
}

/** One bad input. */
interface BadInput {
  label: string;
  files?: Record<string, string | Buffer>;
  /** Before the run under test (a first sync, a stub server, chmod...). */
  prepare?: (ctx: CaseContext) => Promise<Partial<RunSpec> | void>;
  expectCode: number;
  /** Cause and fix, matched against stdout + stderr. */
  expectOutput: RegExp[];
  /** 'untouched': no mutation reached the server; 'converges': a clean rerun leaves the mirror equal to the folder. */
  remote: 'untouched' | 'converges';
  /** The case changes the tree itself during the run (vanishing/growing files): skip the before/after hash. */
  changesTreeDuringRun?: boolean;
  /** Checks of its own after the run. */
  verify?: (ctx: CaseContext, result: CliResult) => Promise<void> | void;
}

interface RunSpec { args: string[]; env: NodeJS.ProcessEnv; uid?: number; gid?: number; dropDac?: boolean; nodeArgs?: string[]; onSpawn?: (child: ChildProcess) => void }

const ACCOUNT_OTHER_COMPANY = '33333333-4444-5555-6666-777777777777';
const FIX = /fix: \S/;
let tried = 0;
let counter = 0;
let status413Before = 0;

const sync = async (ctx: CaseContext, extra: string[] = []): Promise<CliResult> => runCli(ctx.args({}, extra), { env: ctx.env });
const documentsOf = (ctx: CaseContext) => ctx.emu.state.listDocuments('acme').filter((doc) => doc.folder === ctx.folder);

/** A stub proxy in front of the emulator that garbles the first answer matching `match`. */
async function garbleOnce(ctx: CaseContext, match: (exchange: StubExchange) => boolean, answer: StubAnswer, forward = true): Promise<Partial<RunSpec>> {
  let used = false;
  const stub = await startStubProxy(ctx.emu.url, (exchange) => {
    if (used || !match(exchange)) return undefined;
    used = true;
    return answer;
  }, (exchange) => forward || used || !match(exchange));
  ctx.cleanups.push(() => stub.close());
  return { env: { ...ctx.env, LUMENONE_HOST: stub.url } };
}

/** A stub that garbles every answer matching `match` (the run must give up cleanly). */
async function garbleAlways(ctx: CaseContext, match: (exchange: StubExchange) => boolean, answer: StubAnswer): Promise<Partial<RunSpec>> {
  const stub = await startStubProxy(ctx.emu.url, (exchange) => (match(exchange) ? answer : undefined));
  ctx.cleanups.push(() => stub.close());
  return { env: { ...ctx.env, LUMENONE_HOST: stub.url } };
}

const isOrgList = (exchange: StubExchange): boolean => exchange.method === 'GET' && exchange.path === '/api/v1/orgs';
const isListing = (exchange: StubExchange): boolean => exchange.path.includes('/documents/folder/');
const isRemoveFiles = (exchange: StubExchange): boolean => exchange.path.endsWith('/document/remove-files');
const isUploadCall = (exchange: StubExchange): boolean => exchange.path.includes('/document/upload');

/** Mirror two files, then delete one locally: the run under test has a remove-files to send. */
const withPendingDelete = async (ctx: CaseContext): Promise<void> => {
  assert.equal((await sync(ctx)).code, 0);
  await rm(path.join(ctx.root, 'b.md'));
  ctx.files.delete('b.md');
};

/** Make root, state dir and scratch usable by the unprivileged user the permission cases run as. */
const shareWithUnprivileged = async (ctx: CaseContext): Promise<Partial<RunSpec>> => {
  const { uid, gid, dropDac } = unprivileged();
  if (uid !== undefined) {
    for (const dir of [ctx.root, ctx.scratch, path.dirname(ctx.stateDir)]) await chmod(dir, 0o777);
    for (const [relativePath] of ctx.files) await chmod(path.join(ctx.root, relativePath), 0o644);
  }
  return { ...(uid === undefined ? {} : { uid, gid: gid! }), ...(dropDac ? { dropDac } : {}) };
};


/** Start `lumensync watch` on the case's mirror and wait until it holds the state-dir lock (stopped by the case's cleanups). */
async function startDaemon(ctx: CaseContext): Promise<void> {
  let daemon: ChildProcess | undefined;
  const args = ctx.args({ '--max-passes': undefined }).map((arg) => (arg === 'sync' ? 'watch' : arg)).filter((arg) => arg !== '--no-progress');
  const exited = runCli(args, { env: ctx.env, timeoutMs: 60_000, onSpawn: (child) => { daemon = child; } });
  ctx.cleanups.push(async () => { daemon?.kill('SIGTERM'); await exited; });
  await waitFor(async () => {
    try { return JSON.parse(await readFile(path.join(ctx.stateDir, 'lock'), 'utf8')).pid === daemon?.pid; } catch { return false; }
  }, 20_000, 'the daemon to hold the lock');
  // Let its start-up reconcile finish, so every mutation after this point is the run under test's.
  await waitFor(() => documentsOf(ctx).length === ctx.files.size, 20_000, 'the daemon to mirror the folder');
  await new Promise((resolve) => setTimeout(resolve, 300));
}

const TWO = { 'a.md': '# a\n', 'b.md': '# b\n' };

const CASES: BadInput[] = [
  // ---- configuration: flags, environment, config file ----
  { label: 'missing --org', prepare: async (ctx) => ({ args: ctx.args({ '--org': undefined }) }), expectCode: 2, expectOutput: [/--org is required/, FIX], remote: 'untouched' },
  { label: 'missing --folder', prepare: async (ctx) => ({ args: ctx.args({ '--folder': undefined }) }), expectCode: 2, expectOutput: [/--folder is required/, FIX], remote: 'untouched' },
  { label: '--folder with a path separator', prepare: async (ctx) => ({ args: ctx.args({ '--folder': 'a/b' }) }), expectCode: 2, expectOutput: [/--folder "a\/b" must be one plain name/, /a__b/], remote: 'untouched' },
  { label: '--folder ".."', prepare: async (ctx) => ({ args: ctx.args({ '--folder': '..' }) }), expectCode: 2, expectOutput: [/--folder "\.\." must be one plain name/, FIX], remote: 'untouched' },
  { label: 'no server configured', prepare: async (ctx) => ({ env: { ...ctx.env, LUMENONE_HOST: '' } }), expectCode: 2, expectOutput: [/no server: set LUMENONE_HOST, pass --host/, FIX], remote: 'untouched' },
  { label: 'host is not a URL', prepare: async (ctx) => ({ env: { ...ctx.env, LUMENONE_HOST: 'lumen one' } }), expectCode: 2, expectOutput: [/host "lumen one" is not a URL/, /expected e\.g\. https:/], remote: 'untouched' },
  { label: 'host with an ftp:// scheme', prepare: async (ctx) => ({ env: { ...ctx.env, LUMENONE_HOST: 'ftp://127.0.0.1' } }), expectCode: 2, expectOutput: [/must start with http:\/\/ or https:\/\//], remote: 'untouched' },
  { label: 'account id not a UUID', prepare: async (ctx) => ({ env: { ...ctx.env, LUMENONE_ACCOUNT_ID: 'acme' } }), expectCode: 2, expectOutput: [/account "acme" is not a UUID/, /expected e\.g\. 1111/], remote: 'untouched' },
  { label: 'no API key', prepare: async (ctx) => ({ env: { ...ctx.env, LUMENONE_API_KEY: '' } }), expectCode: 2, expectOutput: [/no API key: set LUMENONE_API_KEY, or pass --api-key-file/], remote: 'untouched' },
  {
    label: 'API key file readable by others', expectCode: 2, expectOutput: [/API key file .* is readable by other users/, /fix: run: chmod 600/], remote: 'untouched',
    prepare: async (ctx) => {
      const keyFile = path.join(ctx.scratch, 'key');
      await writeFile(keyFile, DEV_KEY, { mode: 0o644 });
      await chmod(keyFile, 0o644);
      return { args: ctx.args({ '--api-key-file': keyFile }), env: { ...ctx.env, LUMENONE_API_KEY: '' } };
    },
  },
  {
    label: 'API key file empty', expectCode: 2, expectOutput: [/API key file .* is empty/, /fix: put the key/], remote: 'untouched',
    prepare: async (ctx) => {
      const keyFile = path.join(ctx.scratch, 'key');
      await writeFile(keyFile, '\n', { mode: 0o600 });
      return { args: ctx.args({ '--api-key-file': keyFile }), env: { ...ctx.env, LUMENONE_API_KEY: '' } };
    },
  },
  { label: '--max-delete not a count or percentage', prepare: async (ctx) => ({ args: ctx.args({ '--max-delete': 'lots' }) }), expectCode: 2, expectOutput: [/--max-delete "lots" must be a count .* or a percentage/], remote: 'untouched' },
  { label: '--concurrency 0', prepare: async (ctx) => ({ args: ctx.args({ '--concurrency': '0' }) }), expectCode: 2, expectOutput: [/--concurrency must be a whole number ≥ 1 \(got 0\)/, FIX], remote: 'untouched' },
  { label: '--scan-threads 1.5', prepare: async (ctx) => ({ args: ctx.args({ '--scan-threads': '1.5' }) }), expectCode: 2, expectOutput: [/--scan-threads must be a whole number from 0 to 16 \(got 1\.5\)/, FIX], remote: 'untouched' },
  {
    label: 'config file with an unknown key', expectCode: 2, expectOutput: [/connection\.hots: expected a known key/, /did you mean "host"\?/, FIX], remote: 'untouched',
    prepare: async (ctx) => {
      const config = path.join(ctx.scratch, 'lumensync.json');
      await writeFile(config, JSON.stringify({ connection: { hots: 'http://127.0.0.1:1' }, mirrors: { m: { root: ctx.root, org: 'acme', folder: ctx.folder } } }));
      return { args: ['sync', '--config', config, '--no-progress'] };
    },
  },
  {
    label: 'config file truncated (invalid JSON)', expectCode: 2, expectOutput: [/config file .* is not valid JSON/, /fix: fix the JSON syntax/], remote: 'untouched',
    prepare: async (ctx) => {
      const config = path.join(ctx.scratch, 'lumensync.json');
      await writeFile(config, '{ "connection": { "host": ');
      return { args: ['sync', '--config', config, '--no-progress'] };
    },
  },
  // ---- slugs, organizations, workspaces, keys, accounts ----
  { label: '--org in hex form', prepare: async (ctx) => ({ args: ctx.args({ '--org': Buffer.from('acme').toString('hex') }) }), expectCode: 2, expectOutput: [/"61636d65" is the hex form of the organization slug "acme"/, /fix: use --org acme/], remote: 'untouched' },
  { label: '--workspace in hex form', prepare: async (ctx) => ({ args: ctx.args({ '--workspace': Buffer.from('sales').toString('hex') }) }), expectCode: 2, expectOutput: [/hex form of the workspace slug "sales"/, /fix: use --workspace sales/], remote: 'untouched' },
  { label: '--org in the wrong letter case', prepare: async (ctx) => ({ args: ctx.args({ '--org': 'ACME' }) }), expectCode: 2, expectOutput: [/"ACME" is not visible .* but "acme" is \(slugs are case-sensitive\)/, /fix: use --org acme/], remote: 'untouched' },
  { label: '--org given as the display name', prepare: async (ctx) => ({ args: ctx.args({ '--org': 'Acme Corp' }) }), expectCode: 3, expectOutput: [/Organization "Acme Corp" is not visible under this account; the account sees: acme/, /fix: use --org with one of: acme/], remote: 'untouched' },
  { label: 'unknown organization', prepare: async (ctx) => ({ args: ctx.args({ '--org': 'nope' }) }), expectCode: 3, expectOutput: [/Organization "nope" is not visible/, /check LUMENONE_ACCOUNT_ID/], remote: 'untouched' },
  { label: 'organization of another account', prepare: async (ctx) => ({ args: ctx.args({ '--org': 'globex', '--workspace': 'helpdesk' }) }), expectCode: 3, expectOutput: [/Organization "globex" is not visible under this account/, /belongs to another account/], remote: 'untouched' },
  { label: 'unknown workspace', prepare: async (ctx) => ({ args: ctx.args({ '--workspace': 'nope' }) }), expectCode: 3, expectOutput: [/Workspace "nope" is not in organization "acme"; it has: support-bot, sales/, /fix: use --workspace with one of/], remote: 'untouched' },
  { label: 'workspace of another organization', prepare: async (ctx) => ({ args: ctx.args({ '--workspace': 'helpdesk' }) }), expectCode: 3, expectOutput: [/Workspace "helpdesk" is not in organization "acme"/, FIX], remote: 'untouched' },
  { label: 'bad API key', prepare: async (ctx) => ({ env: { ...ctx.env, LUMENONE_API_KEY: 'not-the-key-0000' } }), expectCode: 3, expectOutput: [/rejected the API key as missing, invalid or revoked \(HTTP 403/, /fix: ask your LumenOne superadmin for a new key/], remote: 'untouched', verify: (_ctx, result) => assertNoSecret('not-the-key-0000', result.stdout, result.stderr) },
  { label: 'account of another company', prepare: async (ctx) => ({ env: { ...ctx.env, LUMENONE_ACCOUNT_ID: ACCOUNT_OTHER_COMPANY } }), expectCode: 3, expectOutput: [/account "33333333-.*" is unknown or belongs to another company/, /fix: check LUMENONE_ACCOUNT_ID/], remote: 'untouched' },
  // ---- the root ----
  { label: 'root does not exist', prepare: async (ctx) => { await rm(ctx.root, { recursive: true }); ctx.files.clear(); }, expectCode: 4, expectOutput: [/error: the mirror root does not exist: \//, /fix: check that the folder exists and is mounted/], remote: 'untouched' },
  {
    label: 'root is a file', expectCode: 4, expectOutput: [/error: the mirror root is not a directory: \//, FIX], remote: 'untouched',
    prepare: async (ctx) => ({ args: ctx.args({ dir: path.join(ctx.root, 'a.md') }) }),
  },
  {
    label: 'root unreadable', files: TWO, expectCode: 4, expectOutput: [/error: the mirror root cannot be read: \//, /fix: fix the folder permissions/], remote: 'untouched',
    prepare: async (ctx) => {
      const spec = await shareWithUnprivileged(ctx);
      assert.equal((await runCli(ctx.args(), { env: ctx.env, ...spec })).code, 0);
      await chmod(ctx.root, 0o000);
      ctx.cleanups.push(() => chmod(ctx.root, 0o755));
      return spec;
    },
  },
  {
    label: 'root empty while the journal remembers documents (unmounted)', files: TWO, expectCode: 4, expectOutput: [/guard: .*empty/, FIX], remote: 'untouched',
    prepare: async (ctx) => {
      assert.equal((await sync(ctx)).code, 0);
      for (const name of Object.keys(TWO)) await rm(path.join(ctx.root, name));
      return { args: ctx.args({ '--max-delete': '100%' }) };
    },
    verify: (ctx) => assert.equal(documentsOf(ctx).length, 2, 'an unmounted root must delete nothing'),
  },
  {
    label: 'state directory inside the root', expectCode: 2, expectOutput: [/state directory .* is inside the mirrored folder/, /lumensync never writes into the folder it mirrors/], remote: 'untouched',
    prepare: async (ctx) => ({ args: ctx.args({ '--state-dir': path.join(ctx.root, '.state') }) }),
  },
  // ---- files inside the root ----
  {
    label: 'a file unreadable mid-scan', files: { 'ok.md': 'ok', 'secret.md': 'secret', 'gone.md': 'gone' }, expectCode: 1, expectOutput: [/failed scan secret\.md: EACCES/, /guard: 1 local path\(s\) could not be read, so no document is deleted/, FIX], remote: 'converges',
    prepare: async (ctx) => {
      const spec = await shareWithUnprivileged(ctx);
      assert.equal((await runCli(ctx.args(), { env: ctx.env, ...spec })).code, 0);
      await rm(path.join(ctx.root, 'gone.md'));
      ctx.files.delete('gone.md');
      // Changed content: the scanner must read it again (an unchanged file is vouched for by the journal).
      await appendFile(path.join(ctx.root, 'secret.md'), ' changed');
      ctx.files.set('secret.md', 'secret changed');
      await chmod(path.join(ctx.root, 'secret.md'), 0o000);
      ctx.cleanups.push(() => chmod(path.join(ctx.root, 'secret.md'), 0o644));
      return { ...spec, args: ctx.args({ '--max-delete': '100%' }) };
    },
    verify: async (ctx) => {
      assert.ok(documentsOf(ctx).some((doc) => doc.title === 'gone.md'), 'a pass with a read error must not delete');
      await chmod(path.join(ctx.root, 'secret.md'), 0o644);
    },
  },
  {
    label: 'a file over the server size limit (413)', files: { 'small.md': 'small', 'big.md': 'x'.repeat(50_000) }, expectCode: 1, expectOutput: [/failed upload big\.md: The upload is larger than the server accepts \(HTTP 413/, /fix: exclude the file with an ignore rule, or ask the LumenOne admin to raise the upload limit/], remote: 'converges',
    prepare: async (ctx) => {
      status413Before = ctx.emu.requestLog.filter((entry) => entry.status === 413).length;
      ctx.emu.setFaults({ maxUploadBytes: 10_000 });
      ctx.files.delete('big.md'); // it can never be mirrored: the rerun must still fail it and keep the rest
      ctx.cleanups.push(async () => ctx.emu.setFaults({ maxUploadBytes: 10_000 }));
    },
    verify: (ctx) => {
      assert.deepEqual(documentsOf(ctx).map((doc) => doc.title), ['small.md']);
      assert.equal(ctx.emu.requestLog.filter((entry) => entry.status === 413).length - status413Before, 1, 'a 413 is never retried');
    },
  },
  {
    // Upstream stores no document without text (U9): a local verdict, no request, no failure.
    label: 'zero-byte files', files: { 'empty.md': '', 'also empty.txt': '', 'full.md': 'x' }, expectCode: 0, expectOutput: [/uploaded 1,/, /empty files not uploaded: 2/], remote: 'converges',
    prepare: async (ctx) => { ctx.files.delete('empty.md'); ctx.files.delete('also empty.txt'); await Promise.resolve(); },
    verify: (ctx) => assert.deepEqual(documentsOf(ctx).map((doc) => doc.title), ['full.md']),
  },
  {
    label: 'names with spaces, quotes, newlines, emoji, NFC/NFD twins and case-insensitive collisions', expectCode: 0, expectOutput: [/uploaded 8/], remote: 'converges',
    files: { 'with space.md': '1', 'q\'uo"te.md': '2', 'new\nline.md': '3', 'emoji 🚀.md': '4', 'caf\u00e9.md': 'nfc', 'cafe\u0301.md': 'nfd', 'Readme.md': 'r1', 'README.md': 'r2' },
    verify: (ctx) => {
      const titles = documentsOf(ctx).map((doc) => doc.title).sort();
      assert.deepEqual(titles, ['README.md', 'Readme.md', 'caf\u00e9.md', 'cafe\u0301.md', 'emoji 🚀.md', 'new\nline.md', 'q\'uo"te.md', 'with space.md'].sort(), 'each name is its own document, byte for byte');
    },
  },
  {
    label: 'symlink loop and symlinks escaping the root (--follow-symlinks)', files: { 'in.md': 'in' }, expectCode: 1,
    expectOutput: [/failed scan escape\.md: EOUTSIDE: symlink points outside the mirror root/, /failed scan loop: ELOOP: symlink loops back/, /not followed/], remote: 'converges',
    prepare: async (ctx) => {
      const outside = path.join(ctx.scratch, 'outside.md');
      await writeFile(outside, 'outside secret');
      await symlink('.', path.join(ctx.root, 'loop'));
      await symlink(outside, path.join(ctx.root, 'escape.md'));
      await symlink('../../..', path.join(ctx.root, 'up'));
      await symlink('in.md', path.join(ctx.root, 'inside-link.md'));
      ctx.files.set('inside-link.md', 'in');
      return { args: ctx.args({}, ['--follow-symlinks']) };
    },
    verify: (ctx) => {
      const titles = documentsOf(ctx).map((doc) => doc.title).sort();
      assert.deepEqual(titles, ['in.md', 'inside-link.md'], 'nothing outside the root is uploaded');
      assert.ok(!ctx.emu.requestLog.some((entry) => entry.upload?.sha256 === '' || entry.upload?.title?.includes('..')));
    },
  },
  {
    label: 'symlinks are skipped without --follow-symlinks', files: { 'in.md': 'in' }, expectCode: 0, expectOutput: [/uploaded 1,/], remote: 'converges',
    prepare: async (ctx) => { await symlink('/etc/hostname', path.join(ctx.root, 'escape.md')); await symlink('.', path.join(ctx.root, 'loop')); },
  },
  {
    label: 'a file that grows during its upload', files: { 'small.md': 's' }, expectCode: 0, expectOutput: [/uploaded 2/], remote: 'converges', changesTreeDuringRun: true,
    prepare: async (ctx) => {
      const big = path.join(ctx.root, 'growing.md');
      await writeFile(big, Buffer.alloc(4 * 1024 * 1024, 97));
      ctx.files.set('growing.md', Buffer.concat([Buffer.alloc(4 * 1024 * 1024, 97), Buffer.from(' grew')]));
      ctx.emu.setFaults({ latencyMs: 300 });
      const from = ctx.emu.requestLog.length;
      ctx.cleanups.push(async () => ctx.emu.setFaults({}));
      return {
        onSpawn: () => {
          void waitFor(() => ctx.emu.requestLog.slice(from).some(isUpload), 20_000, 'the upload').then(() => appendFile(big, ' grew'));
        },
      };
    },
    verify: async (ctx) => {
      ctx.emu.setFaults({});
      // The next run sees the changed stat, re-hashes and replaces: the remote ends with the grown content.
      assert.equal((await sync(ctx)).code, 0);
    },
  },
  {
    label: 'a file that vanishes before its upload', files: { 'stays.md': 's', 'vanishes.md': 'v' }, expectCode: 0, expectOutput: [/sync finished/], remote: 'converges', changesTreeDuringRun: true,
    prepare: async (ctx) => {
      ctx.emu.setFaults({ latencyMs: 200 });
      ctx.files.delete('vanishes.md');
      const from = ctx.emu.requestLog.length;
      ctx.cleanups.push(async () => ctx.emu.setFaults({}));
      return {
        onSpawn: () => {
          void waitFor(() => ctx.emu.requestLog.slice(from).some((entry) => entry.path.includes('/documents/folder/')), 20_000, 'the listing').then(() => rm(path.join(ctx.root, 'vanishes.md')));
        },
      };
    },
    verify: (ctx) => { ctx.emu.setFaults({}); },
  },
  // ---- the state directory ----
  {
    label: 'state directory unwritable', files: TWO, expectCode: 2, expectOutput: [/cannot create state directory .*: EACCES/, /fix: check that the state directory exists, is writable/], remote: 'untouched',
    prepare: async (ctx) => {
      const spec = await shareWithUnprivileged(ctx);
      const parent = path.join(ctx.scratch, 'read-only');
      await mkdir(parent);
      await chmod(parent, 0o555);
      return { ...spec, args: ctx.args({ '--state-dir': path.join(parent, 'state') }) };
    },
  },
  {
    label: 'state directory corrupted (snapshot garbage)', files: TWO, expectCode: 2, expectOutput: [/journal snapshot .* fails its checksum/, /fix: move the state dir .* aside .* rebuilds it from the remote listing/], remote: 'untouched',
    prepare: async (ctx) => {
      assert.equal((await sync(ctx)).code, 0);
      const snapshot = await readFile(path.join(ctx.stateDir, 'journal.snapshot'));
      snapshot[snapshot.length - 10] = snapshot[snapshot.length - 10]! ^ 0xff;
      await writeFile(path.join(ctx.stateDir, 'journal.snapshot'), snapshot);
    },
  },
  {
    label: 'state directory corrupted (log garbage mid-file)', files: TWO, expectCode: 2, expectOutput: [/journal log .* fails its checksum or is not a journal record/, /fix: move the state dir/], remote: 'untouched',
    prepare: async (ctx) => {
      assert.equal((await sync(ctx)).code, 0);
      await appendFile(path.join(ctx.stateDir, 'journal.log'), 'garbage\n{"seq": 99}\n');
    },
  },
  {
    label: 'state directory locked by a running daemon', files: TWO, expectCode: 2, expectOutput: [/state directory .* is locked by/, /fix: /], remote: 'untouched',
    prepare: async (ctx) => { await startDaemon(ctx); },
  },
  {
    label: 'a second daemon on the same mirror', files: TWO, expectCode: 2, expectOutput: [/state directory .* is locked by/, /fix: /], remote: 'untouched',
    prepare: async (ctx) => {
      await startDaemon(ctx);
      return { args: ctx.args({}).map((arg) => (arg === 'sync' ? 'watch' : arg)).filter((arg) => arg !== '--no-progress' && arg !== '--max-passes' && arg !== '2') };
    },
  },
  // ---- the server answers nonsense ----
  { label: 'server answers HTML instead of JSON', files: TWO, prepare: (ctx) => garbleAlways(ctx, isOrgList, { status: 200, body: '<html>proxy login</html>', headers: { 'content-type': 'text/html' } }), expectCode: 5, expectOutput: [/a body lumensync could not understand \(HTTP 200 "the answer is not JSON"/, /fix: check that LUMENONE_HOST points at the LumenOne API/], remote: 'untouched' },
  { label: 'server answers an empty body', files: TWO, prepare: (ctx) => garbleAlways(ctx, isOrgList, { status: 200, body: '' }), expectCode: 5, expectOutput: [/no organization list/, FIX], remote: 'untouched' },
  { label: 'server answers truncated JSON (folder listing)', files: TWO, prepare: (ctx) => garbleAlways(ctx, isListing, { status: 200, body: '{"documents":[{"docpa' }), expectCode: 5, expectOutput: [/could not understand .*documents\/folder/, FIX], remote: 'untouched' },
  { label: 'upload applied but answered with non-JSON (response unusable)', files: TWO, prepare: (ctx) => garbleOnce(ctx, isUploadCall, { status: 200, body: 'OK' }), expectCode: 0, expectOutput: [/uploaded 2, .*adopted 0/], remote: 'converges' },
  { label: 'remove-files answers 207 with an unexpected shape', files: { ...TWO, 'c.md': 'c' }, prepare: async (ctx) => { await withPendingDelete(ctx); return garbleOnce(ctx, isRemoveFiles, { status: 207, body: '{"weird":true}' }); }, expectCode: 0, expectOutput: [/sync finished/], remote: 'converges' },
  { label: 'remove-files answers 207 with `failed` not a list', files: { ...TWO, 'c.md': 'c' }, prepare: async (ctx) => { await withPendingDelete(ctx); return garbleOnce(ctx, isRemoveFiles, { status: 207, body: '{"success":false,"failed":"oops"}' }); }, expectCode: 0, expectOutput: [/sync finished/], remote: 'converges' },
  { label: 'remove-files answers without `failed`', files: { ...TWO, 'c.md': 'c' }, prepare: async (ctx) => { await withPendingDelete(ctx); return garbleOnce(ctx, isRemoveFiles, { status: 200, body: '{"success":true}' }); }, expectCode: 0, expectOutput: [/deleted 1/], remote: 'converges' },
  { label: 'remove-files 207 lists a docpath that was never requested', files: { ...TWO, 'c.md': 'c' }, prepare: async (ctx) => { await withPendingDelete(ctx); return garbleOnce(ctx, isRemoveFiles, { status: 207, body: '{"success":false,"purged":[],"failed":[{"docpath":"acme/other/x.json","reason":"storage error"}]}' }); }, expectCode: 0, expectOutput: [/sync finished/], remote: 'converges' },
  // ---- clocks ----
  {
    label: 'file mtimes far in the future and the past', files: { 'future.md': 'f', 'past.md': 'p' }, expectCode: 0, expectOutput: [/uploaded 2/], remote: 'converges',
    prepare: async (ctx) => {
      await utimes(path.join(ctx.root, 'future.md'), new Date('2099-01-01'), new Date('2099-01-01'));
      await utimes(path.join(ctx.root, 'past.md'), new Date('1971-01-01'), new Date('1971-01-01'));
    },
    verify: async (ctx) => {
      const mutations = ctx.emu.requestLog.filter(isMutation).length;
      assert.equal((await sync(ctx)).code, 0);
      assert.equal(ctx.emu.requestLog.filter(isMutation).length, mutations, 'odd mtimes made a re-run send mutations');
    },
  },
  {
    label: 'the wall clock jumps a year forward, then back', files: TWO, expectCode: 0, expectOutput: [/uploaded 0, .*unchanged 2/], remote: 'converges',
    prepare: async (ctx) => {
      assert.equal((await sync(ctx)).code, 0);
      const preload = path.join(ctx.scratch, 'clock.mjs');
      await writeFile(preload, `const offset = Number(process.env.CLOCK_OFFSET_MS);\nconst RealDate = Date;\nglobalThis.Date = class extends RealDate { constructor(...a) { super(...(a.length ? a : [RealDate.now() + offset])); } static now() { return RealDate.now() + offset; } };\n`);
      const mutations = ctx.emu.requestLog.filter(isMutation).length;
      const forward = await runCli(ctx.args(), { env: { ...ctx.env, CLOCK_OFFSET_MS: String(365 * 86_400_000) }, nodeArgs: ['--import', pathToFileURL(preload).href] });
      assert.equal(forward.code, 0, forward.stderr);
      assert.equal(ctx.emu.requestLog.filter(isMutation).length, mutations, 'a clock jump forward made the run send mutations');
      return { env: { ...ctx.env, CLOCK_OFFSET_MS: String(-365 * 86_400_000) }, nodeArgs: ['--import', pathToFileURL(preload).href] };
    },
  },
];

// Each case has its own emulator (fault settings are per server), so cases run side by side.
describe('bad-input catalogue', { concurrency: 3 }, () => {
  it('has at least 30 cases, each labelled once', () => {
    assert.ok(CASES.length >= 30, `only ${CASES.length} cases`);
    assert.equal(new Set(CASES.map((entry) => entry.label)).size, CASES.length, 'labels are unique');
  });
  for (const badInput of CASES) it(badInput.label, { timeout: 60_000 }, () => runCase(badInput));
});

/** Run one case end to end (see the file comment for what is asserted). */
async function runCase(badInput: BadInput): Promise<void> {
    const { emu, env } = await emulatorFixture();
    const root = await tempDir('lumensync-bad-root-');
    const scratch = await tempDir('lumensync-bad-scratch-');
    const stateDir = path.join(await tempDir('lumensync-bad-state-'), 'state');
    const folder = `bad-${counter++}`;
    const files = new Map<string, string | Buffer>(Object.entries(badInput.files ?? TWO));
    await writeTree(root, Object.fromEntries(files));
    const base: Record<string, string | undefined> = {
      dir: root, '--org': 'acme', '--folder': folder, '--workspace': 'support-bot', '--state-dir': stateDir, '--rate': '0', '--retries': '1', '--max-backoff': '0.1', '--max-passes': '2',
    };
    const ctx: CaseContext = {
      emu, env, root, stateDir, scratch, folder, files, cleanups: [],
      args: (overrides = {}, extra = []) => {
        const merged = { ...base, ...overrides };
        const argv = ['sync', ...(merged.dir ? [merged.dir] : [])];
        for (const [flag, value] of Object.entries(merged)) if (flag !== 'dir' && value !== undefined) argv.push(flag, value);
        return [...argv, '--no-progress', ...extra];
      },
    };
    try {
      const spec: RunSpec = { args: ctx.args(), env, ...((await badInput.prepare?.(ctx)) ?? {}) };
      const before = await hashTree(root);
      const mutationsBefore = emu.requestLog.filter(isMutation).length;
      const result = await runCli(spec.args, { env: spec.env, ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid! }), ...(spec.dropDac ? { dropDac: true } : {}), ...(spec.nodeArgs ? { nodeArgs: spec.nodeArgs } : {}), ...(spec.onSpawn ? { onSpawn: spec.onSpawn } : {}) });
      tried += 1;
      const output = result.stdout + result.stderr;
      assert.equal(result.code, badInput.expectCode, `exit code; output:\n${output}`);
      for (const pattern of badInput.expectOutput) assert.match(output, pattern);
      assert.doesNotMatch(output, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace for a bad input');
      assertNoSecret(DEV_KEY, output, await readAllBytes(path.dirname(stateDir)));
      if (!badInput.changesTreeDuringRun) assert.deepEqual(await hashTree(root), before, 'the local tree changed');
      if (badInput.remote === 'untouched') assert.equal(emu.requestLog.filter(isMutation).length, mutationsBefore, 'a rejected input reached the remote with a mutation');
      await badInput.verify?.(ctx, result);
      if (badInput.remote === 'converges') {
        for (const cleanup of ctx.cleanups.splice(0)) await cleanup();
        const clean = await runCli(spec.args, { env });
        assert.ok(clean.code === 0 || clean.code === badInput.expectCode, `clean rerun: ${clean.stdout}${clean.stderr}`);
        const audit = await auditMirrorByJournal(emu, folder, stateDir, files);
        assert.deepEqual({ duplicates: audit.duplicates, missing: audit.missing }, { duplicates: [], missing: [] });
      }
    } finally {
      for (const cleanup of ctx.cleanups) await cleanup().catch(() => undefined);
      await chmod(root, 0o755).catch(() => undefined);
      await removeAll(root, scratch, path.dirname(stateDir));
      await emu.close();
    }
}

after(() => {
  process.stdout.write(`bad-input catalogue: bad inputs tried ${tried} of ${CASES.length}\n`);
});
