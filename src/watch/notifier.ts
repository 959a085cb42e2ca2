/**
 * Alerts: `--notify-exec <command>` runs a command with a JSON event on its standard input;
 * `--notify-url <url>` POSTs the same JSON (it carries a `text` field, so Slack-like webhooks
 * show it as is). Events fire on changes, not on every pass: a mirror whose passes start
 * failing, a guard that starts holding a (new) set of actions, and a remote unavailable for
 * longer than the threshold (and its recovery). A failing notifier is logged, never fatal.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import type { Logger } from 'pino';

/** What may trigger an event. */
export type NotifyEventType = 'pass-failed' | 'guard-holding' | 'remote-unavailable' | 'remote-recovered';

/** The JSON sent. */
export interface NotifyEvent {
  event: NotifyEventType;
  mirror: string;
  /** One line for people (Slack-like receivers show `text`). */
  text: string;
  time: string;
  host: string;
  pid: number;
  details: Record<string, unknown>;
}

export interface NotifyOptions {
  exec?: string | undefined;
  url?: string | undefined;
  /** Alert when the remote stays unavailable this long (ms). */
  unavailableAfterMs: number;
}

/** Default of `--notify-unavailable-after` (seconds). */
export const DEFAULT_NOTIFY_UNAVAILABLE_AFTER_S = 300;
/** A notify command or webhook that takes longer is abandoned (and logged). */
const NOTIFY_TIMEOUT_MS = 10_000;

/** Per-mirror memory of what was already announced. */
interface Announced { passError: boolean; failed: Set<string>; heldFingerprint: string | undefined; unreachableSince: number | undefined; unavailableSent: boolean }

export class Notifier {
  private readonly announced = new Map<string, Announced>();
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly options: NotifyOptions, private readonly log: Logger) {}

  /** True when an exec or a URL is configured. */
  get enabled(): boolean {
    return this.options.exec !== undefined || this.options.url !== undefined;
  }

  private state(mirror: string): Announced {
    let state = this.announced.get(mirror);
    if (!state) this.announced.set(mirror, state = { passError: false, failed: new Set(), heldFingerprint: undefined, unreachableSince: undefined, unavailableSent: false });
    return state;
  }

  /**
   * After each pass: a pass that failed as a whole (after one that did not), or files failing that
   * were not failing before, and a newly held set, are announced. A file that keeps failing is
   * announced once, not on every pass.
   */
  passEnded(mirror: string, pass: { error: string | undefined; failed: { key: string; message: string; hint?: string | undefined }[] }, held: { count: number; fingerprint: string; guards: string[]; approveCommand?: string | undefined } | undefined): void {
    const state = this.state(mirror);
    const fresh = pass.failed.filter((failure) => !state.failed.has(failure.key));
    if (pass.error !== undefined && !state.passError) {
      this.send({ event: 'pass-failed', mirror, text: `lumensync ${mirror}: pass failed: ${pass.error}`, details: { error: pass.error, failing: pass.failed.length } });
    } else if (fresh.length > 0) {
      const first = fresh[0]!;
      this.send({
        event: 'pass-failed', mirror,
        text: `lumensync ${mirror}: ${fresh.length} file(s) started failing, e.g. ${first.key}: ${first.message}${first.hint ? ` (fix: ${first.hint})` : ''}`,
        details: { newFailures: fresh.slice(0, 20), failing: pass.failed.length },
      });
    }
    state.passError = pass.error !== undefined;
    // A pass that failed as a whole (remote down) says nothing about the files failing before it:
    // they stay announced, so their next failure is not news.
    const failingNow = pass.failed.map((failure) => failure.key);
    state.failed = pass.error !== undefined ? new Set([...state.failed, ...failingNow]) : new Set(failingNow);
    const fingerprint = held && held.count > 0 ? held.fingerprint : undefined;
    if (held && fingerprint !== undefined && fingerprint !== state.heldFingerprint) {
      this.send({
        event: 'guard-holding', mirror,
        text: `lumensync ${mirror}: a guard holds ${held.count} action(s): ${held.guards[0] ?? ''}${held.approveCommand ? ` — approve with: ${held.approveCommand}` : ''}`,
        details: { held: held.count, guards: held.guards, ...(held.approveCommand ? { approveCommand: held.approveCommand } : {}) },
      });
    }
    state.heldFingerprint = fingerprint;
  }

  /** On every status tick: the remote unavailable past the threshold is announced once, its recovery too. */
  remoteChecked(mirror: string, reachable: boolean, lastError: string | undefined, now: number): void {
    const state = this.state(mirror);
    if (reachable) {
      if (state.unavailableSent) this.send({ event: 'remote-recovered', mirror, text: `lumensync ${mirror}: the remote answers again`, details: { downForMs: now - (state.unreachableSince ?? now) } });
      state.unreachableSince = undefined;
      state.unavailableSent = false;
      return;
    }
    state.unreachableSince ??= now;
    if (!state.unavailableSent && now - state.unreachableSince >= this.options.unavailableAfterMs) {
      state.unavailableSent = true;
      this.send({
        event: 'remote-unavailable', mirror,
        text: `lumensync ${mirror}: the remote has been unavailable for ${Math.round((now - state.unreachableSince) / 1000)} s${lastError ? ` (${lastError})` : ''}`,
        details: { sinceMs: state.unreachableSince, ...(lastError ? { lastError } : {}) },
      });
    }
  }

  /** Resolves once every event sent so far was delivered or given up on. */
  flush(): Promise<void> {
    return this.sending;
  }

  private send(partial: Omit<NotifyEvent, 'time' | 'host' | 'pid'>): void {
    if (!this.enabled) return;
    const event: NotifyEvent = { ...partial, time: new Date().toISOString(), host: os.hostname(), pid: process.pid };
    const body = JSON.stringify(event);
    this.log.info({ event: event.event, mirror: event.mirror }, 'sending alert');
    // In order, one at a time: receivers see events as they happened.
    this.sending = this.sending.then(() => Promise.all([
      this.options.exec !== undefined ? this.runCommand(this.options.exec, body) : undefined,
      this.options.url !== undefined ? this.post(this.options.url, body) : undefined,
    ]).then(() => undefined));
  }

  private runCommand(command: string, body: string): Promise<void> {
    return new Promise((resolve) => {
      const child = spawn(command, { shell: true, stdio: ['pipe', 'ignore', 'pipe'], timeout: NOTIFY_TIMEOUT_MS });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => { if (stderr.length < 2000) stderr += chunk.toString(); });
      child.on('error', (error) => {
        this.log.warn({ err: error.message }, '--notify-exec could not run; fix the command');
        resolve();
      });
      child.on('close', (code, signal) => {
        if (code !== 0) this.log.warn({ code, signal, stderr: stderr.trim().slice(0, 500) }, '--notify-exec command failed');
        resolve();
      });
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(body);
    });
  }

  private async post(url: string, body: string): Promise<void> {
    // A webhook URL often holds a token: only its origin is ever logged.
    const origin = (() => { try { return new URL(url).origin; } catch { return '(invalid URL)'; } })();
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS) });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) this.log.warn({ status: response.status, origin }, '--notify-url answered with an error');
    } catch (error) {
      this.log.warn({ err: error instanceof Error ? error.message : String(error), origin }, '--notify-url could not be reached');
    }
  }
}
