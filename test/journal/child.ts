/** Helpers for tests that run the journal in a child process (to hold locks, or to be killed mid-write). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** file: URL of the compiled journal module, for child scripts to import. */
export const journalModuleUrl = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'journal', 'journal.js')).href;

/** A running child with the lines it printed so far. */
export interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line matching `predicate` (rejects on exit or after `timeoutMs`). */
  waitForLine(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves when the child has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Run an ES module `script` in a fresh node; `JOURNAL` in the script is replaced by the module URL. */
export function runChild(script: string): Child {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script.replaceAll('JOURNAL', journalModuleUrl)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let buffered = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const listener of listeners) listener();
      resolve({ code, signal });
    });
  });
  const waitForLine = (predicate: (line: string) => boolean, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = lines.find(predicate);
        if (found !== undefined) done(() => resolve(found));
        else if (child.exitCode !== null || child.signalCode !== null) done(() => reject(new Error(`child exited (${child.exitCode ?? child.signalCode}) before the line; stderr: ${stderr}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`timed out waiting for a line; stderr: ${stderr}`))), timeoutMs);
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });
  return { process: child, lines, waitForLine, exited };
}

/** A pid that surely belonged to a process that has exited. */
export async function deadPid(): Promise<number> {
  const child = runChild('');
  await child.exited;
  return child.process.pid as number;
}
