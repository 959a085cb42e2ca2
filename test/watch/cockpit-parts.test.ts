/**
 * The cockpit's pure parts: /healthz says "attention" (503) while a guard holds actions, every
 * metric the shipped Grafana dashboard and Prometheus rules use is exported, the page's files are
 * built and packed, the approval file names one set and is taken once, history stays bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DaemonMetrics, healthReport, startHealthServer } from '../../src/watch/health.js';
import { request } from 'node:http';
import type { MirrorSnapshot } from '../../src/watch/snapshot.js';
import { readApproval, takeApproval, writeApproval, approveCommand } from '../../src/watch/approval.js';
import { PassHistory, readHistory, readUploadTimes, type PassReport } from '../../src/watch/history.js';
import { Throughput } from '../../src/watch/throughput.js';
import { writeStatusFile } from '../../src/watch/status-file.js';
import { runCli } from '../helpers/harness.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const snapshot = (patch: Partial<MirrorSnapshot> = {}): MirrorSnapshot => ({
  name: 'handbook', pid: 4242, root: '/data/handbook', orgSlug: 'acme', folder: 'handbook', workspaces: ['support-bot'], stateDir: '/state',
  state: 'watching', watcher: { backend: 'parcel', status: 'ok' }, remoteReachable: true, queueDepth: 0, lagMs: 0, lastError: undefined,
  lastReconcileAt: 1000, lastReconcileOk: true, nextReconcileAt: 3_601_000, backoffUntil: 0, filesTracked: 3,
  pending: { dirtyPaths: 0, requests: 0, openIntents: 0, overflowed: false, paths: [] }, failed: [], guards: [],
  counters: { uploaded: 0, replaced: 0, renamed: 0, adopted: 0, deleted: 0, embedded: 0, unembedded: 0, unchanged: 0, failed: 0, rejected: 0, skippedEmpty: 0, retries: 0, bytesUploaded: 0, filesTotal: 0, bytesTotal: 0, filesDone: 0, startedAt: 0, durationMs: 0, inFlight: 0, failuresTotal: 0, lostEventsFound: 0 },
  throughputLimit: { kind: 'paced', text: 'paced: --rate 10', mode: 'pinned', ratePerSec: 10, serverLimitPerSec: undefined, inFlight: 0, concurrency: 4, latencyMs: undefined, retryInMs: undefined }, startedAt: 0, updatedAt: 10_000, ...patch,
});
const held = (count: number, approvable = true): MirrorSnapshot['held'] => ({
  guards: [{ guard: 'max-delete', message: 'deletes blocked', hint: 'check' }], count, removes: count, unembeds: 0, fingerprint: 'f'.repeat(64), approvable, sample: [], since: 5000,
});

test('healthz: a guard holding actions is "attention" with the reason and the approve command; unavailable wins over it', () => {
  const attention = healthReport([snapshot({ held: held(496), approveCommand: 'lumensync approve handbook' })]);
  assert.equal(attention.status, 'attention');
  assert.equal(attention.reason, 'handbook: 496 action(s) held by a guard; approve with: lumensync approve handbook');
  assert.equal(attention.mirrors[0]!.held, 496);
  assert.equal(healthReport([snapshot({ held: held(0) })]).status, 'ok', 'a guard that holds nothing is not attention');
  assert.doesNotMatch(healthReport([snapshot({ held: held(3, false), approveCommand: 'x' })]).reason!, /approve with/, 'no approve command for a guard that cannot be approved');
  const both = healthReport([snapshot({ held: held(2) }), snapshot({ name: 'b', remoteReachable: false, lastError: 'ECONNREFUSED' })]);
  assert.equal(both.status, 'unavailable');
  assert.match(both.reason!, /b: remote unreachable \(ECONNREFUSED\)/);
  assert.equal(healthReport([snapshot()]).reason, undefined);
});

/** Metric names /metrics exports (histograms with their series suffixes). */
async function exportedNames(): Promise<Set<string>> {
  const metrics = new DaemonMetrics(() => [snapshot({ held: held(2) })]);
  metrics.observe('handbook', { operation: 'uploadDocument', durationMs: 12, ok: true });
  const text = await metrics.registry.metrics();
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_:][a-z0-9_:]*)[{ ]/.exec(line);
    if (match) names.add(match[1]!);
  }
  return names;
}

test('monitoring: every metric the Grafana dashboard and the Prometheus rules use is exported by /metrics', async () => {
  const names = await exportedNames();
  assert.ok(names.has('lumensync_held_actions'), 'the held-actions metric exists');
  for (const file of ['config/monitoring/grafana-dashboard.json', 'config/monitoring/lumensync-alerts.yml']) {
    const text = readFileSync(path.join(REPO, file), 'utf8');
    const used = new Set(text.match(/\blumensync_[a-z0-9_]+/g) ?? []);
    assert.ok(used.size >= 5, `${file} uses lumensync metrics`);
    for (const name of used) assert.ok(names.has(name), `${file} uses ${name}, which /metrics does not export`);
  }
  const dashboard = JSON.parse(readFileSync(path.join(REPO, 'config/monitoring/grafana-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
  assert.ok(dashboard.panels.every((panel) => panel.targets.length > 0));
});

test('metrics: how many other processes share the key\'s rate, 0 for a status file written before sharing existed', async () => {
  const auto = snapshot({ throughputLimit: { ...snapshot().throughputLimit, mode: 'auto', sharedWith: 2 } });
  const text = await new DaemonMetrics(() => [auto, snapshot({ name: 'old' })]).registry.metrics();
  assert.match(text, /lumensync_rate_shared_with\{mirror="handbook"\} 2/);
  assert.match(text, /lumensync_rate_shared_with\{mirror="old"\} 0/);
});

test('page: the static files are built next to the daemon and packed; no CDN', () => {
  for (const name of ['index.html', 'page.js', 'page.css']) assert.ok(existsSync(path.join(REPO, 'dist', 'src', 'watch', 'page', name)), `dist has ${name}`);
  const html = readFileSync(path.join(REPO, 'src', 'watch', 'page', 'index.html'), 'utf8');
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'every asset is served by the daemon');
  const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' })) as { files: { path: string }[] }[];
  const files = packed[0]!.files.map((entry) => entry.path);
  for (const name of ['dist/src/watch/page/index.html', 'dist/src/watch/page/page.js', 'dist/src/watch/page/page.css', 'config/monitoring/grafana-dashboard.json', 'config/monitoring/lumensync-alerts.yml']) {
    assert.ok(files.includes(name), `the package holds ${name}`);
  }
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.ok(pkg.dependencies.uplot, 'uPlot is a runtime dependency (served from node_modules)');
});

test('approval: names one set, taken once, another set leaves it alone; the command names a non-default state dir', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-approval-'));
  try {
    writeApproval(dir, { fingerprint: 'a'.repeat(64), count: 4 });
    assert.equal(readApproval(dir)?.count, 4);
    assert.equal(takeApproval(dir, { fingerprint: 'b'.repeat(64) }), undefined, 'another set');
    assert.ok(readApproval(dir), 'still there');
    assert.equal(takeApproval(dir, { fingerprint: 'a'.repeat(64) })?.count, 4);
    assert.equal(takeApproval(dir, { fingerprint: 'a'.repeat(64) }), undefined, 'never twice');
    assert.equal(approveCommand('handbook', dir, 'id'), `lumensync approve handbook --state-dir ${dir}`);
    const env = { XDG_STATE_HOME: '/var/state' };
    assert.equal(approveCommand('my docs', '/var/state/lumensync/id', 'id', env), "lumensync approve 'my docs'");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('history: bounded to its size, survives a reopen, remembers upload times', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-history-'));
  const report = (index: number): PassReport => ({ startedAt: 1000 * index, durationMs: 10, full: index % 2 === 0, uploads: index, deletes: 0, bytes: 5, failures: 0, error: undefined, held: 0, released: 0, uploadedPaths: [`f${index}.txt`] });
  try {
    const history = new PassHistory(dir, 3, (error) => { throw error; });
    for (let index = 1; index <= 5; index += 1) await history.record(report(index));
    assert.deepEqual(readHistory(dir).map((entry) => entry.uploads), [3, 4, 5]);
    assert.deepEqual(readHistory(dir).map((entry) => entry.verified), [false, true, false]);
    assert.equal(readUploadTimes(dir).get('f2.txt'), 2010);
    const reopened = new PassHistory(dir, 3, (error) => { throw error; });
    await reopened.record(report(6));
    assert.deepEqual(reopened.entries().map((entry) => entry.uploads), [4, 5, 6]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('throughput: rates between samples over the last hour only', () => {
  const series = new Throughput();
  series.sample(0, 0, 0);
  series.sample(60_000, 30, 6000);
  series.sample(120_000, 30, 6000);
  series.sample(3_700_000, 60, 6000);
  series.sample(4_000_000, 90, 6000);
  const result = series.series();
  assert.deepEqual(result.at, [4_000_000], 'samples older than an hour are gone');
  assert.deepEqual(result.filesPerMinute, [6]);
  const early = new Throughput();
  early.sample(0, 0, 0);
  early.sample(60_000, 30, 6000);
  assert.deepEqual(early.series().filesPerMinute, [30]);
  assert.deepEqual(early.series().bytesPerSecond, [100]);
});

test('page server: loopback Host only (no DNS rebinding), /livez always, read-only methods', async () => {
  const metrics = new DaemonMetrics(() => [snapshot()]);
  const server = await startHealthServer(0, () => [snapshot()], metrics, { status: () => ({ ok: true }), why: () => Promise.resolve({ status: 200, body: {} }) });
  try {
    const get = (pathname: string, host?: string): Promise<number> => new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: pathname, headers: host ? { host } : {} }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end();
    });
    assert.equal(await get('/api/status'), 200);
    assert.equal(await get('/api/status', `localhost:${server.port}`), 200);
    assert.equal(await get('/api/status', 'evil.example:80'), 403);
    assert.equal(await get('/', 'evil.example'), 403);
    assert.equal(await get('/'), 200);
    assert.equal(await get('/vendor/uPlot.iife.min.js'), 200, 'uPlot is served from the package');
    assert.equal(await get('/livez'), 200);
    const post = await fetch(`http://127.0.0.1:${server.port}/api/status`, { method: 'POST' });
    assert.equal(post.status, 405);
  } finally {
    await server.close();
  }
});

test('approve CLI: nothing held says so (exit 0); a guard on a missing folder cannot be approved (exit 4, with the fix); no status: exit 2', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-approve-cli-'));
  const env = { XDG_STATE_HOME: path.join(dir, 'xdg') };
  try {
    const none = await runCli(['approve', 'handbook', '--state-dir', dir], { env });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no watch daemon has reported on/);
    await writeStatusFile(dir, snapshot({ held: held(0) }));
    const nothing = await runCli(['approve', 'handbook', '--state-dir', dir], { env });
    assert.equal(nothing.code, 0);
    assert.match(nothing.stdout, /nothing is held/);
    const missingRoot = held(12, false)!;
    missingRoot.guards = [{ guard: 'root-missing', message: 'the mirror root does not exist', hint: 'check that the folder exists and is mounted' }];
    await writeStatusFile(dir, snapshot({ held: missingRoot }));
    const refused = await runCli(['approve', 'handbook', '--state-dir', dir], { env });
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, /cannot be approved: the mirror root does not exist\n\s+fix: check that the folder exists and is mounted/);
    assert.equal(readApproval(dir), undefined, 'no approval written');
    await writeStatusFile(dir, snapshot({ held: held(7), pid: 999_999_999 }));
    const json = await runCli(['approve', 'handbook', '--state-dir', dir, '--json'], { env });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { ...JSON.parse(json.stdout), mirror: 'handbook', approved: true, held: 7, daemonRunning: false, fingerprint: 'f'.repeat(64) });
    assert.equal(readApproval(dir)?.fingerprint, 'f'.repeat(64));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
