/**
 * `--health-port`: a loopback HTTP server for supervisors and scrapers. `/healthz` answers 200
 * while every mirror watches and its remote answers, else 503, with a JSON body saying why;
 * `/metrics` is Prometheus text from prom-client, read from the same snapshots as `status`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isHealthy, type MirrorSnapshot } from './snapshot.js';
import type { RemoteCallOutcome } from './remote-monitor.js';

/** The `/healthz` body. */
export interface HealthReport {
  status: 'ok' | 'unavailable';
  mirrors: { name: string; state: string; healthy: boolean; remoteReachable: boolean; watcher: string; queueDepth: number; lagMs: number; lastError: string | undefined; guards: string[] }[];
}

/** Build the `/healthz` answer from snapshots: pure, so it is table-tested. */
export function healthReport(snapshots: readonly MirrorSnapshot[]): HealthReport {
  const mirrors = snapshots.map((snapshot) => ({
    name: snapshot.name, state: snapshot.state, healthy: isHealthy(snapshot), remoteReachable: snapshot.remoteReachable,
    watcher: `${snapshot.watcher.backend}:${snapshot.watcher.status}`, queueDepth: snapshot.queueDepth, lagMs: snapshot.lagMs, lastError: snapshot.lastError,
    // Guards holding deletes or un-embeds (e.g. a workspace no longer named): the daemon runs on, the operator must act.
    guards: snapshot.guards,
  }));
  return { status: mirrors.length > 0 && mirrors.every((mirror) => mirror.healthy) ? 'ok' : 'unavailable', mirrors };
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
    gauge('lumensync_failed_items', 'Files or documents currently failing', (snapshot) => snapshot.failed.length);
    counter('lumensync_uploads_total', 'Documents uploaded (new and replacements)', (snapshot) => snapshot.counters.uploaded + snapshot.counters.replaced);
    counter('lumensync_deletes_total', 'Documents removed', (snapshot) => snapshot.counters.deleted);
    counter('lumensync_renames_total', 'Moves inside the tree applied without an upload', (snapshot) => snapshot.counters.renamed);
    counter('lumensync_failures_total', 'Files or requests that failed (each pass counts its own)', (snapshot) => snapshot.counters.failuresTotal);
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

/** A running health server. */
export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1:`port` (0 = any free port). Loopback only: the report names paths and errors. */
export async function startHealthServer(port: number, snapshots: () => MirrorSnapshot[], metrics: DaemonMetrics): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
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
    if (pathname === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
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
