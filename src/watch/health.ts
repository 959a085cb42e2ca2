/**
 * `--health-port`: a loopback HTTP server for supervisors, scrapers and people. `/healthz` answers
 * 200 while every mirror watches, its remote answers and no guard holds actions, else 503 with a
 * JSON body saying why; `/livez` answers 200 while the process works (restart only on that);
 * `/metrics` is Prometheus text from prom-client, read from the same snapshots as `status`;
 * `/` is the read-only status page (see page.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isHealthy, type MirrorSnapshot } from './snapshot.js';
import type { RemoteCallOutcome } from './remote-monitor.js';
import { isPageAsset, PAGE_HEADERS, servePageAsset } from './page.js';

/** The status page's data sources (absent: only /healthz, /livez and /metrics are served). */
export interface PageSource {
  status(): unknown;
  why(mirror: string | null, path: string | null): Promise<{ status: number; body: unknown }>;
}

/** The `/healthz` body. */
export interface HealthReport {
  /** unavailable: a mirror cannot do its job; attention: a guard holds actions an operator must look at. */
  status: 'ok' | 'attention' | 'unavailable';
  /** Why it is not ok, one clause per mirror concerned. */
  reason?: string;
  mirrors: { name: string; state: string; healthy: boolean; remoteReachable: boolean; watcher: string; queueDepth: number; lagMs: number; lastError: string | undefined; held: number; approveCommand?: string | undefined; guards: string[] }[];
}

/** Build the `/healthz` answer from snapshots: pure, so it is table-tested. */
export function healthReport(snapshots: readonly MirrorSnapshot[]): HealthReport {
  const mirrors = snapshots.map((snapshot) => ({
    name: snapshot.name, state: snapshot.state, healthy: isHealthy(snapshot), remoteReachable: snapshot.remoteReachable,
    watcher: `${snapshot.watcher.backend}:${snapshot.watcher.status}`, queueDepth: snapshot.queueDepth, lagMs: snapshot.lagMs, lastError: snapshot.lastError,
    held: snapshot.held?.count ?? 0, ...(snapshot.held && snapshot.held.count > 0 && snapshot.held.approvable ? { approveCommand: snapshot.approveCommand } : {}),
    // Guards holding deletes or un-embeds (e.g. a workspace no longer named): the daemon runs on, the operator must act.
    guards: snapshot.guards,
  }));
  const reasons: string[] = [];
  for (const mirror of mirrors) {
    if (!mirror.healthy) reasons.push(`${mirror.name}: ${!mirror.remoteReachable ? `remote unreachable${mirror.lastError ? ` (${mirror.lastError})` : ''}` : `state ${mirror.state}`}`);
    if (mirror.held > 0) reasons.push(`${mirror.name}: ${mirror.held} action(s) held by a guard${mirror.approveCommand ? `; approve with: ${mirror.approveCommand}` : ''}`);
  }
  if (mirrors.length === 0) reasons.push('no mirror is running');
  const status = mirrors.length === 0 || mirrors.some((mirror) => !mirror.healthy) ? 'unavailable' : mirrors.some((mirror) => mirror.held > 0) ? 'attention' : 'ok';
  return { status, ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}), mirrors };
}

/** The daemon's metrics; counters are read from the mirrors' stats at scrape time. */
export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly latency: Histogram<'mirror' | 'operation' | 'outcome'>;

  constructor(snapshots: () => MirrorSnapshot[]) {
    const registers = [this.registry];
    const gauge = (name: string, help: string, value: (snapshot: MirrorSnapshot) => number | undefined): void => {
      new Gauge({
        name, help, labelNames: ['mirror'], registers,
        collect() {
          this.reset();
          for (const snapshot of snapshots()) {
            const current = value(snapshot);
            if (current !== undefined) this.set({ mirror: snapshot.name }, current);
          }
        },
      });
    };
    // Stats counters only grow while the process runs, so they are exported as counters.
    const counter = (name: string, help: string, value: (snapshot: MirrorSnapshot) => number): void => {
      new Counter({
        name, help, labelNames: ['mirror'], registers,
        collect() {
          this.reset();
          for (const snapshot of snapshots()) this.inc({ mirror: snapshot.name }, value(snapshot));
        },
      });
    };
    gauge('lumensync_files_tracked', 'Files the journal tracks', (snapshot) => snapshot.filesTracked);
    gauge('lumensync_queue_depth', 'Dirty paths waiting plus requests queued or in flight', (snapshot) => snapshot.queueDepth);
    gauge('lumensync_lag_seconds', 'Age of the oldest change not yet synced', (snapshot) => snapshot.lagMs / 1000);
    gauge('lumensync_remote_up', '1 while the remote answers, 0 after it could not be reached', (snapshot) => (snapshot.remoteReachable ? 1 : 0));
    gauge('lumensync_last_reconcile_timestamp_seconds', 'End of the last successful full reconcile (unix time)', (snapshot) =>
      snapshot.lastReconcileAt !== undefined && snapshot.lastReconcileOk ? snapshot.lastReconcileAt / 1000 : undefined);
    gauge('lumensync_last_verified_timestamp_seconds', 'Last verification: a completed pass that listed the remote (unix time)', (snapshot) =>
      snapshot.lastVerifiedAt !== undefined ? snapshot.lastVerifiedAt / 1000 : undefined);
    gauge('lumensync_last_pass_listed', '1 when the latest full reconcile listed the remote, 0 when it trusted the journal', (snapshot) => (snapshot.lastPassListed ? 1 : 0));
    gauge('lumensync_held_actions', 'Deletes and un-embeds a guard holds back until approved (lumensync approve) or resolved', (snapshot) => snapshot.held?.count ?? 0);
    gauge('lumensync_failed_items', 'Files or documents currently failing', (snapshot) => snapshot.failed.length);
    gauge('lumensync_pacing_rate_per_second', 'Requests per second the pacer allows now (absent with --rate 0)', (snapshot) => snapshot.throughputLimit.ratePerSec);
    gauge('lumensync_server_limit_per_second', 'Server request limit estimated by --rate auto (absent until one is met)', (snapshot) => snapshot.throughputLimit.serverLimitPerSec);
    gauge('lumensync_rate_shared_with', 'Other lumensync processes on this machine sharing the key\'s rate (--rate auto)', (snapshot) => snapshot.throughputLimit.sharedWith ?? 0);
    new Gauge({
      name: 'lumensync_throughput_limit', help: 'What limits throughput now: 1 for the current kind (paused, paced, latency-bound, idle, open)', labelNames: ['mirror', 'kind'], registers,
      collect() {
        this.reset();
        for (const snapshot of snapshots()) this.set({ mirror: snapshot.name, kind: snapshot.throughputLimit.kind }, 1);
      },
    });
    counter('lumensync_uploads_total', 'Documents uploaded (new and replacements)', (snapshot) => snapshot.counters.uploaded + snapshot.counters.replaced);
    counter('lumensync_deletes_total', 'Documents removed', (snapshot) => snapshot.counters.deleted);
    counter('lumensync_renames_total', 'Moves inside the tree applied without an upload', (snapshot) => snapshot.counters.renamed);
    counter('lumensync_failures_total', 'Files or requests that failed (each pass counts its own)', (snapshot) => snapshot.counters.failuresTotal);
    counter('lumensync_watch_lost_events_total', 'Files found changed next to a watch pass\'s paths without an event (the watcher lost it)', (snapshot) => snapshot.counters.lostEventsFound);
    counter('lumensync_retries_total', 'Requests retried', (snapshot) => snapshot.counters.retries);
    counter('lumensync_bytes_uploaded_total', 'Bytes uploaded', (snapshot) => snapshot.counters.bytesUploaded);
    this.latency = new Histogram({
      name: 'lumensync_request_duration_seconds', help: 'LumenOne API request latency', labelNames: ['mirror', 'operation', 'outcome'], registers,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
  }

  /** Record one API call (fed by the remote monitor). */
  observe(mirror: string, outcome: RemoteCallOutcome): void {
    this.latency.observe({ mirror, operation: outcome.operation, outcome: outcome.ok ? 'ok' : 'error' }, outcome.durationMs / 1000);
  }
}

/** Host headers the page accepts (with any port). */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;

/** A running health server. */
export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1:`port` (0 = any free port). Loopback only: the report names paths and errors. */
export async function startHealthServer(port: number, snapshots: () => MirrorSnapshot[], metrics: DaemonMetrics, page?: PageSource): Promise<HealthServer> {
  const startedAt = Date.now();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const pathname = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (pathname === '/healthz') {
      const report = healthReport(snapshots());
      res.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(report));
      return;
    }
    if (pathname === '/livez') {
      // Liveness: the process answers. A daemon waiting for an approval is alive (do not restart it).
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ status: 'alive', pid: process.pid, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }));
      return;
    }
    // The page and its API answer only to loopback names: a web page elsewhere cannot read them through DNS rebinding.
    if (page && (isPageAsset(pathname) || pathname.startsWith('/api/')) && !LOOPBACK_HOST.test(req.headers.host ?? '')) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('the status page answers only on 127.0.0.1 or localhost\n');
      return;
    }
    if (page && isPageAsset(pathname)) {
      servePageAsset(pathname, res);
      return;
    }
    if (page && pathname === '/api/status') {
      res.writeHead(200, { 'content-type': 'application/json', ...PAGE_HEADERS }).end(JSON.stringify(page.status()));
      return;
    }
    if (page && pathname === '/api/why') {
      page.why(url.searchParams.get('mirror'), url.searchParams.get('path')).then(
        ({ status, body }) => res.writeHead(status, { 'content-type': 'application/json', ...PAGE_HEADERS }).end(JSON.stringify(body)),
        (error: unknown) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) })),
      );
      return;
    }
    if (pathname === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try / (status page), /healthz, /livez or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
