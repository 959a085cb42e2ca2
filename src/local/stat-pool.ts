/**
 * Worker threads that lstat batches of file names while the main thread walks directories and
 * compares with the journal. On a local disk a stat walk is syscall-bound and single-threaded
 * in Node (one `lstatSync` at a time); a pool lets a big scan use a second core, the way
 * `rclone --checkers` or `fd` do. Workers start lazily, only once a scan proves big.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { StatReply, StatRequest, WalkReply, WalkRequest } from './stat-rows.js';

/** Default worker count: one per core beyond the main thread's, at most 2 (more only contends for the disk and the scheduler). */
export function defaultScanThreads(): number {
  return Math.max(0, Math.min(2, availableParallelism() - 1));
}

interface Waiting {
  resolve: (reply: StatReply) => void;
  reject: (error: Error) => void;
  files: number;
  worker: PoolWorker;
}

interface PoolWorker {
  thread: Worker;
  /** Where the worker answers: read by the event loop, and synchronously by drain(). */
  replies: MessagePort;
  /** Names sent and not yet answered. */
  queuedFiles: number;
  /** Walking subtrees (startWalk) until its walk answers `done` or `failed`: no stat batch is sent to it meanwhile. */
  walking: boolean;
}

const WORKER_URL = new URL('./stat-worker.js', import.meta.url);

/** A worker thread and the port it answers on. */
interface Spawned {
  thread: Worker;
  replies: MessagePort;
}

function spawnWorker(): Spawned {
  const { port1: replies, port2: workerSide } = new MessageChannel();
  const thread = new Worker(WORKER_URL, { workerData: { replies: workerSide }, transferList: [workerSide] });
  thread.unref();
  replies.unref();
  return { thread, replies };
}

/** A worker started ahead (warmUpStatWorker), until a pool takes it; `failed` once it stopped before that. */
let warm: (Spawned & { failed: boolean }) | undefined;

/**
 * Start one stat worker now, for the first pool to take: a thread takes ~0.1 s to start, which
 * `sync` can spend on a spare core while its own start-up (options, config) still runs on the
 * main one. Unused, it costs that start and its memory, and does not keep the process alive.
 */
export function warmUpStatWorker(): void {
  if (warm !== undefined) return;
  const spawned = spawnWorker();
  const started = { ...spawned, failed: false };
  const markFailed = (): void => {
    started.failed = true;
  };
  spawned.thread.once('error', markFailed);
  spawned.thread.once('exit', markFailed);
  warm = started;
}

/** The warm worker when it is still healthy (its listeners handed over), else a new one. */
function takeWorker(): Spawned {
  const taken = warm;
  warm = undefined;
  if (taken === undefined || taken.failed) return spawnWorker();
  taken.thread.removeAllListeners('error');
  taken.thread.removeAllListeners('exit');
  return { thread: taken.thread, replies: taken.replies };
}

/** A few stat workers for one scan; close() when the scan ends. */
export class StatPool {
  private readonly workers: PoolWorker[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private broken: Error | undefined;
  /** The walk's answers go here (one walk per pool). */
  private walkListener: ((reply: WalkReply) => void) | undefined;
  private walkId = -1;

  constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const { thread, replies } = takeWorker();
      const worker: PoolWorker = { thread, replies, queuedFiles: 0, walking: false };
      replies.on('message', (reply: StatReply | WalkReply) => this.settle(reply));
      thread.on('error', (error) => this.fail(error));
      thread.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`stat worker exited with code ${code}`));
      });
      this.workers.push(worker);
    }
  }

  /**
   * Take the answers that have arrived, without waiting for the event loop: a walk that stats
   * directory after directory in one go (thread-pool completions come in bursts) still sees
   * which worker is free, and their awaits resume at its next yield.
   */
  drain(): void {
    for (const worker of this.workers) {
      for (let received = receiveMessageOnPort(worker.replies); received !== undefined; received = receiveMessageOnPort(worker.replies)) {
        this.settle(received.message as StatReply | WalkReply);
      }
    }
  }

  /** Names sent to the least busy worker and not yet answered (0 when the pool is idle; Infinity while its only worker walks). */
  leastQueued(): number {
    let least = Infinity;
    for (const worker of this.workers) if (!worker.walking) least = Math.min(least, worker.queuedFiles);
    return least;
  }

  /**
   * Have the first worker walk whole subtrees (subtree-walk.ts); every answer goes to `listener`,
   * which also hears `failed` if the worker dies. Stat batches go to the other workers meanwhile.
   */
  startWalk(request: Omit<WalkRequest, 'id' | 'walk'>, listener: (reply: WalkReply) => void): void {
    const worker = this.workers[0] as PoolWorker;
    this.walkId = this.nextId++;
    this.walkListener = listener;
    worker.walking = true;
    const message: WalkRequest = { walk: true, id: this.walkId, ...request };
    worker.thread.postMessage(message);
  }

  /** lstat `names` in `directory` on the least busy worker. Rejects only when a worker died (the caller then stats inline). */
  stat(directory: string, separator: string, names: readonly string[]): Promise<StatReply> {
    if (this.broken) return Promise.reject(this.broken);
    // A walking worker answers only once its walk ends: chosen only when every worker walks (callers check leastQueued first).
    let worker = this.workers.find((candidate) => !candidate.walking) ?? (this.workers[0] as PoolWorker);
    for (const candidate of this.workers) if (!candidate.walking && candidate.queuedFiles < worker.queuedFiles) worker = candidate;
    const id = this.nextId++;
    const request: StatRequest = { id, directory, separator, names };
    worker.queuedFiles += names.length;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, files: names.length, worker });
      worker.thread.postMessage(request);
    });
  }

  /** Stop every worker; unanswered batches reject. */
  async close(): Promise<void> {
    this.fail(new Error('stat pool closed'));
    for (const worker of this.workers) worker.replies.close();
    await Promise.all(this.workers.map((worker) => worker.thread.terminate().catch(() => undefined)));
  }

  private settle(reply: StatReply | WalkReply): void {
    if (!('rows' in reply)) {
      if (reply.id !== this.walkId) return;
      if ('done' in reply || 'failed' in reply) this.endWalk();
      this.walkListener?.(reply);
      return;
    }
    const waiting = this.waiting.get(reply.id);
    if (waiting === undefined) return;
    this.waiting.delete(reply.id);
    waiting.worker.queuedFiles -= waiting.files;
    waiting.resolve(reply);
  }

  private fail(error: Error): void {
    this.broken ??= error;
    if (this.workers[0]?.walking === true) {
      this.endWalk();
      this.walkListener?.({ id: this.walkId, failed: error.message });
    }
    for (const [id, waiting] of this.waiting) {
      this.waiting.delete(id);
      waiting.worker.queuedFiles -= waiting.files;
      waiting.reject(error);
    }
  }

  private endWalk(): void {
    (this.workers[0] as PoolWorker).walking = false;
  }
}
