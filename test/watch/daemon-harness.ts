/** Test helpers for the watch daemon: run `lumensync watch` in a child process against an in-test emulator. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { Journal } from '../../src/journal/journal.js';

export const DEV_KEY = 'lumensync-dev-key';
export const ACME_ACCOUNT = '11111111-2222-3333-4444-555555555555';
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');
export const FOLDER = 'watched';

/** A temp root, state dir and emulator; `cleanup()` removes everything. */
export interface Fixture {
  base: string;
  root: string;
  stateDir: string;
  emu: EmulatorHandle;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/** Create the fixture. */
export async function fixture(): Promise<Fixture> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'lumensync-'));
  const root = path.join(base, 'root');
  const stateDir = path.join(base, 'state');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(root);
  const emu = await startEmulator({ port: 0 });
  const env = {
    PATH: process.env.PATH, HOME: base, XDG_STATE_HOME: path.join(base, 'xdg'),
    LUMENONE_HOST: emu.url, LUMENONE_API_KEY: DEV_KEY, LUMENONE_ACCOUNT_ID: ACME_ACCOUNT,
  };
  return { base, root, stateDir, emu, env, cleanup: async () => { await emu.close(); await rm(base, { recursive: true, force: true }); } };
}

/** A running daemon child. */
export interface DaemonChild {
  child: ChildProcess;
  /** Resolves with the health port once the daemon printed its ready line. */
  ready: Promise<number | undefined>;
  /** Resolves with the exit code (or signal) when the child ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): { stdout: string; stderr: string };
  /** SIGKILL if still running (cleanup). */
  kill(): void;
}

/** Spawn `lumensync watch <root>` with test-friendly defaults; `extra` adds or overrides flags. */
export function startDaemon(fx: Fixture, extra: string[] = []): DaemonChild {
  const args = [CLI, 'watch', fx.root, '--org', 'acme', '--folder', FOLDER, '--workspace', 'support-bot', '--state-dir', fx.stateDir, '--health-port', '0', '--log-level', 'info', ...extra];
  const child = spawn(process.execPath, args, { env: fx.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady: (port: number | undefined) => void = () => undefined;
  const ready = new Promise<number | undefined>((resolve) => { onReady = resolve; });
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const line = /lumensync watch: ready[^\n]*\n/.exec(stdout)?.[0];
    if (line !== undefined) onReady(Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]) || undefined);
  });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, ready, exited, output: () => ({ stdout, stderr }), kill: () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); } };
}

/** Poll `check` every 50 ms until it returns true or `timeoutMs` passes; returns the elapsed ms, throws on timeout. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Titles (relative paths) of the mirror's documents in the emulator, sorted. */
export const remoteTitles = (emu: EmulatorHandle): string[] =>
  emu.state.listDocuments('acme').filter((doc) => doc.folder === FOLDER).map((doc) => doc.title).sort();

/** Uploads the emulator accepted since log index `from`. */
export const uploadsSince = (emu: EmulatorHandle, from: number) => emu.requestLog.slice(from).filter((entry) => entry.upload !== undefined);

/** remove-files requests since log index `from`. */
export const removalsSince = (emu: EmulatorHandle, from: number) => emu.requestLog.slice(from).filter((entry) => entry.removeFiles !== undefined);

/** The journal as a reader sees it: entries by relative path and the open intents. */
export async function readJournal(stateDir: string): Promise<{ paths: string[]; openIntents: number }> {
  const journal = await Journal.open({ stateDir, readOnly: true, lock: false });
  const paths = [...journal.entries()].map((entry) => entry.relativePath).sort();
  const openIntents = journal.openIntents().length;
  await journal.close();
  return { paths, openIntents };
}

/** GET a health endpoint: status and body. */
export async function getHealth(port: number, pathname = '/healthz'): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${pathname}`);
  return { status: response.status, body: await response.text() };
}
