/** judgeStatus and healthReport: the verdicts `status` and `/healthz` give, table-tested. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { judgeStatus, renderStatus, type StatusInput } from '../../src/watch/status-report.js';
import { healthReport } from '../../src/watch/health.js';
import type { StatusFile } from '../../src/watch/status-file.js';
import type { MirrorSnapshot } from '../../src/watch/snapshot.js';

const snapshot = (patch: Partial<MirrorSnapshot> = {}): MirrorSnapshot => ({
  name: 'handbook', pid: 4242, root: '/data/handbook', orgSlug: 'acme', folder: 'handbook', workspaces: ['support-bot'], stateDir: '/state',
  state: 'watching', watcher: { backend: 'parcel', status: 'ok' }, remoteReachable: true, queueDepth: 0, lagMs: 0, lastError: undefined,
  throughputLimit: { kind: 'idle', text: 'idle', mode: 'auto', ratePerSec: 10, serverLimitPerSec: undefined, inFlight: 0, concurrency: 4, latencyMs: undefined, retryInMs: undefined },
  lastReconcileAt: 1000, lastReconcileOk: true, nextReconcileAt: 3_601_000, backoffUntil: 0, filesTracked: 3,
  pending: { dirtyPaths: 0, requests: 0, openIntents: 0, overflowed: false, paths: [] }, failed: [], guards: [],
  counters: { uploaded: 0, replaced: 0, renamed: 0, adopted: 0, deleted: 0, embedded: 0, unembedded: 0, unchanged: 0, failed: 0, rejected: 0, skippedEmpty: 0, retries: 0, bytesUploaded: 0, filesTotal: 0, bytesTotal: 0, filesDone: 0, startedAt: 0, durationMs: 0, inFlight: 0, failuresTotal: 0, lostEventsFound: 0 },
  startedAt: 0, updatedAt: 10_000, ...patch,
});
const file = (patch: Partial<StatusFile> = {}): StatusFile => ({ version: 1, exited: false, ...snapshot(), ...patch });
const lock = (pid: number, hostname = os.hostname()) => ({ pid, hostname, startedAt: '2026-01-01T00:00:00.000Z' });
const journal = { filesTracked: 3, lastReconcileAt: 1000, openIntents: 0 };

const statusCases: { label: string; input: Omit<StatusInput, 'stateDir' | 'journal' | 'now'>; running: boolean; condition: RegExp }[] = [
  { label: 'live lock owner with a fresh status file: running', input: { statusFile: file(), lock: lock(4242), pidAlive: true }, running: true, condition: /^running \(pid 4242, watching\)$/ },
  { label: 'live owner, status file not updated for long: running but maybe hung', input: { statusFile: file({ updatedAt: -60_000 }), lock: lock(4242), pidAlive: true }, running: true, condition: /may be hung/ },
  { label: 'live owner without a status file of its own: a sync holds the lock', input: { statusFile: file({ pid: 1 }), lock: lock(4242), pidAlive: true }, running: true, condition: /holds the lock/ },
  { label: 'clean stop: not running, says when', input: { statusFile: file({ exited: true }), lock: 'missing', pidAlive: false }, running: false, condition: /stopped cleanly/ },
  { label: 'killed: lock left by a dead pid', input: { statusFile: file(), lock: lock(4242), pidAlive: false }, running: false, condition: /pid 4242 is dead/ },
  { label: 'never watched', input: { statusFile: undefined, lock: 'missing', pidAlive: false }, running: false, condition: /no watch daemon has run/ },
  { label: 'another host holds the lock', input: { statusFile: file(), lock: lock(7, 'elsewhere.example'), pidAlive: false }, running: true, condition: /on host elsewhere\.example/ },
];

for (const statusCase of statusCases) {
  test(`status: ${statusCase.label}`, () => {
    const view = judgeStatus({ ...statusCase.input, stateDir: '/state', journal, now: 12_000 });
    assert.equal(view.running, statusCase.running);
    assert.match(view.condition, statusCase.condition);
  });
}

const healthCases: { label: string; mirrors: MirrorSnapshot[]; status: 'ok' | 'unavailable' }[] = [
  { label: 'watching and reachable: ok', mirrors: [snapshot()], status: 'ok' },
  { label: 'remote unreachable: unavailable', mirrors: [snapshot({ remoteReachable: false, lastError: 'connect ECONNREFUSED' })], status: 'unavailable' },
  { label: 'before the first reconcile: unavailable', mirrors: [snapshot({ state: 'reconciling', lastReconcileAt: undefined })], status: 'unavailable' },
  { label: 'backing off: unavailable', mirrors: [snapshot({ state: 'backoff' })], status: 'unavailable' },
  { label: 'draining: unavailable', mirrors: [snapshot({ state: 'draining' })], status: 'unavailable' },
  { label: 'one of two mirrors down: unavailable', mirrors: [snapshot(), snapshot({ name: 'b', remoteReachable: false })], status: 'unavailable' },
  { label: 'no mirror: unavailable', mirrors: [], status: 'unavailable' },
];

for (const healthCase of healthCases) {
  test(`healthz: ${healthCase.label}`, () => {
    const report = healthReport(healthCase.mirrors);
    assert.equal(report.status, healthCase.status);
    assert.equal(report.mirrors.length, healthCase.mirrors.length);
  });
}

test('status text: the watcher line says how many files changed without an event, and nothing when none did', () => {
  const render = (lostEventsFound: number | undefined): string => {
    const statusFile = file();
    const counters = { ...statusFile.counters, lostEventsFound } as StatusFile['counters'];
    const view = judgeStatus({ statusFile: { ...statusFile, counters }, lock: lock(4242), pidAlive: true, stateDir: '/state', journal, now: 12_000 });
    return renderStatus([view], 12_000).split('\n').find((line) => line.includes('watcher:'))!;
  };
  assert.equal(render(0), '  watcher: parcel ok');
  assert.equal(render(undefined), '  watcher: parcel ok', 'a status file written before the count existed');
  assert.match(render(2), /^ {2}watcher: parcel ok; 2 file\(s\) changed without an event since start/);
});
