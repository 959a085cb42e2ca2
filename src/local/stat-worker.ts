/**
 * Worker-thread side of the stat pool (see stat-pool.ts): lstat every name of a batch
 * synchronously and answer with one Float64Array row per name, plus the failures.
 */
import { lstatSync } from 'node:fs';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { STAT_ROW, StatKind, type StatReply, type StatRequest } from './stat-rows.js';

/** The pool reads answers on its own channel, so it can take them synchronously (receiveMessageOnPort). */
const replies = (workerData as { replies: MessagePort } | undefined)?.replies;

parentPort?.on('message', (request: StatRequest) => {
  const { names, directory } = request;
  const rows = new Float64Array(names.length * STAT_ROW);
  const failures: StatReply['failures'] = [];
  for (let index = 0; index < names.length; index++) {
    const at = index * STAT_ROW;
    try {
      const stats = lstatSync(`${directory}${request.separator}${names[index]}`, { throwIfNoEntry: false });
      if (stats === undefined) rows[at] = StatKind.Gone;
      else if (stats.isFile()) {
        rows[at] = StatKind.File;
        rows[at + 1] = stats.size;
        rows[at + 2] = stats.mtimeMs;
      } else rows[at] = StatKind.Other;
    } catch (error) {
      rows[at] = StatKind.Failed;
      const failure = error as NodeJS.ErrnoException;
      failures.push({ index, code: typeof failure.code === 'string' ? failure.code : 'EIO', message: failure.message });
    }
  }
  const reply: StatReply = { id: request.id, rows, failures };
  replies?.postMessage(reply, [rows.buffer]);
});
