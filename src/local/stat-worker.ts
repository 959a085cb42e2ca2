/**
 * Worker-thread side of the stat pool (see stat-pool.ts): lstat every name of a batch
 * synchronously and answer with one Float64Array row per name, plus the failures; or walk whole
 * subtrees (subtree-walk.ts) and answer directory by directory.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { IgnoreRules } from './ignore.js';
import { WALK_FLAG, type StatReply, type StatRequest, type WalkReply, type WalkRequest } from './stat-rows.js';
import { statRows, SubtreeWalk } from './subtree-walk.js';

/** How long a worker far ahead sleeps before it looks at its flags again (it is also woken when the main thread takes a directory in). */
const QUEUE_WAIT_MS = 20;

/** The pool reads answers on its own channel, so it can take them synchronously (receiveMessageOnPort). */
const replies = (workerData as { replies: MessagePort } | undefined)?.replies;

parentPort?.on('message', (request: StatRequest | WalkRequest) => {
  if ('walk' in request) {
    walk(request);
    return;
  }
  const reply: StatReply = { id: request.id, ...statRows(request.directory, request.separator, request.names) };
  replies?.postMessage(reply, [reply.rows.buffer as ArrayBuffer]);
});

/** Walk a request's subtrees to the end, giving directories back whenever the flag asks. */
function walk(request: WalkRequest): void {
  const { id } = request;
  const flags = new Int32Array(request.flags);
  const send = (reply: WalkReply, transfer: ArrayBuffer[] = []): void => replies?.postMessage(reply, transfer);
  /** Answer a request for directories; true when it asked for all of them (the walk ends here). */
  const giveBackIfAsked = (subtrees: SubtreeWalk): boolean => {
    const asked = Atomics.load(flags, WALK_FLAG.giveBack);
    if (asked === 0) return false;
    const { frames, rules } = subtrees.giveAway(request.giveAwayLimit, asked === 2);
    Atomics.store(flags, WALK_FLAG.giveBack, 0);
    send({ id, given: frames, rules });
    return asked === 2;
  };
  try {
    const subtrees = new SubtreeWalk(IgnoreRules.fromDescription(request.rootRules), () => Atomics.load(flags, WALK_FLAG.hash) === 1);
    subtrees.take(request.frames, request.rules);
    for (;;) {
      // Far ahead of the main thread (it is still reading the journal): wait, still answering its requests.
      let stopped = false;
      for (let queued = Atomics.load(flags, WALK_FLAG.queued); !stopped && queued > request.queueLimit; queued = Atomics.load(flags, WALK_FLAG.queued)) {
        stopped = giveBackIfAsked(subtrees);
        if (!stopped) Atomics.wait(flags, WALK_FLAG.queued, queued, QUEUE_WAIT_MS);
      }
      const walked = stopped ? undefined : subtrees.next();
      if (walked === undefined) break;
      Atomics.add(flags, WALK_FLAG.queued, walked.names.length + 1);
      send({ id, walked }, [walked.rows.buffer as ArrayBuffer]);
      if (giveBackIfAsked(subtrees)) break;
    }
    send({ id, done: true });
  } catch (error) {
    // A bug, not a filesystem failure (those are in the records): the scan must not end as if complete.
    send({ id, failed: error instanceof Error ? error.message : String(error) });
  }
}
