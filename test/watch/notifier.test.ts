/** Notifier: a file that keeps failing is announced once, even across a pass that failed as a whole. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Notifier, type NotifyEvent } from '../../src/watch/notifier.js';
import { silentLogger } from '../../src/log.js';

test('a failing file is not news again after a pass that failed as a whole (remote down)', async (t) => {
  const received: NotifyEvent[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => {
      received.push(JSON.parse(body) as NotifyEvent);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.after(() => receiver.close());
  const notifier = new Notifier({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, unavailableAfterMs: Infinity }, silentLogger());
  const big = { key: 'big.txt', message: 'too large (413)' };
  notifier.passEnded('m', { error: undefined, failed: [big] }, undefined);
  notifier.passEnded('m', { error: 'the remote is unavailable', failed: [{ key: 'list:unavailable', message: 'unavailable' }] }, undefined);
  notifier.passEnded('m', { error: undefined, failed: [big] }, undefined);
  notifier.passEnded('m', { error: undefined, failed: [] }, undefined);
  notifier.passEnded('m', { error: undefined, failed: [big] }, undefined);
  await notifier.flush();
  const bigAnnounced = received.filter((event) => JSON.stringify(event.details).includes('big.txt'));
  // Once when it started failing, and once more only after a whole pass in which it did not fail.
  assert.equal(bigAnnounced.length, 2, JSON.stringify(received.map((event) => event.text)));
  assert.deepEqual(received.map((event) => event.event), ['pass-failed', 'pass-failed', 'pass-failed']);
});
