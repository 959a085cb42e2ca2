/** Starting and stopping a `lumensync watch` child for the watch rows (5 and 6). */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { CLI_MAIN, cliEnv } from './lib.js';

/** A running watch daemon. */
export interface WatchChild {
  child: ChildProcess;
  /** ms from spawn to the "ready" line. */
  readyMs: number;
  /** Everything printed so far (stdout + stderr), for error messages. */
  output(): string;
  /** SIGINT, then wait for the exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Spawn `lumensync watch <args>` and resolve once it prints its ready line. */
export async function startWatch(url: string, args: string[], readyTimeoutMs = 120_000): Promise<WatchChild> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_MAIN, 'watch', ...args], { env: cliEnv(url), stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const readyMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`watch not ready after ${readyTimeoutMs} ms: ${text.slice(-2000)}`)), readyTimeoutMs);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (/lumensync watch: ready/.test(text)) {
        clearTimeout(timer);
        resolve(performance.now() - started);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`watch exited ${code} before ready: ${text.slice(-2000)}`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    child, readyMs, output: () => text,
    stop: async (timeoutMs = 30_000) => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** VmRSS and VmHWM (peak) of a live process, in MiB, from /proc. */
export async function processMemory(pid: number): Promise<{ rssMiB: number; peakMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return { rssMiB: field('VmRSS'), peakMiB: field('VmHWM') };
}

/** Clock ticks per second of /proc/<pid>/stat (Linux's USER_HZ). */
const TICKS_PER_SECOND = 100;

/** User + system CPU of a live process so far, in ms, from /proc. */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at the state, field 3: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
