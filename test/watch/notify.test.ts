/**
 * Alerts end to end: a daemon with --notify-url (a receiver on loopback) and --notify-exec (a
 * shell command appending its stdin to a file) sends the same JSON event when a file starts
 * failing, when a guard holds actions, when the remote stays unavailable past the threshold,
 * and when it answers again — each once, not on every pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fixture, startDaemon, waitFor, type DaemonChild } from './daemon-harness.js';

interface Event { event: string; mirror: string; text: string; time: string; host: string; pid: number; details: Record<string, unknown> }

test('notify: the same JSON on stdin and by POST, for a failing file, a held guard, a remote down past the threshold and back', { timeout: 120_000 }, async () => {
  const fx = await fixture();
  const posted: Event[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => {
      assert.equal(req.headers['content-type'], 'application/json');
      posted.push(JSON.parse(body) as Event);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookPort = (receiver.address() as AddressInfo).port;
  const execFile = path.join(fx.base, 'events.jsonl');
  const fromExec = (): Event[] => (existsSync(execFile) ? readFileSync(execFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Event) : []);
  let daemon: DaemonChild | undefined;
  try {
    fx.emu.setFaults({ maxUploadBytes: 4096 });
    await writeFile(path.join(fx.root, 'big.txt'), 'x'.repeat(10_000));
    await mkdir(path.join(fx.root, 'old'));
    for (let index = 0; index < 3; index += 1) await writeFile(path.join(fx.root, 'old', `f${index}.txt`), `old ${index}\n`);
    await writeFile(path.join(fx.root, 'keep.txt'), 'kept\n');
    daemon = startDaemon(fx, [
      '--notify-url', `http://127.0.0.1:${hookPort}/hook`, '--notify-exec', `cat >> '${execFile}'; echo >> '${execFile}'`,
      '--notify-unavailable-after', '1', '--max-delete', '1', '--status-interval-ms', '200', '--settle-ms', '100', '--delete-grace-ms', '100',
      '--retries', '0', '--max-backoff', '1',
    ]);
    await Promise.race([daemon.ready, daemon.exited.then(() => { throw new Error(`daemon exited: ${daemon!.output().stderr}`); })]);

    await waitFor('pass-failed event', () => posted.some((event) => event.event === 'pass-failed'), 20_000);
    await rename(path.join(fx.root, 'old'), path.join(fx.base, 'old-moved'));
    await waitFor('guard-holding event', () => posted.some((event) => event.event === 'guard-holding'), 20_000);

    // The remote goes down; a change makes the daemon notice; past 1 s the alert goes out once.
    fx.emu.setFaults({ maxUploadBytes: 4096, down: true });
    await writeFile(path.join(fx.root, 'new.txt'), 'new\n');
    await waitFor('remote-unavailable event', () => posted.some((event) => event.event === 'remote-unavailable'), 30_000);
    fx.emu.setFaults({ maxUploadBytes: 4096 });
    await waitFor('remote-recovered event', () => posted.some((event) => event.event === 'remote-recovered'), 20_000);
    await waitFor('the command got every event', () => fromExec().length === posted.length, 5000);

    const kinds = posted.map((event) => event.event);
    assert.deepEqual(kinds.filter((kind) => kind !== 'pass-failed'), ['guard-holding', 'remote-unavailable', 'remote-recovered'], `events: ${kinds.join(', ')}`);
    // big.txt fails on every full pass, but is announced once.
    const bigFailures = posted.filter((event) => event.event === 'pass-failed' && JSON.stringify(event.details).includes('big.txt'));
    assert.equal(bigFailures.length, 1, `big.txt announced ${bigFailures.length} times: ${JSON.stringify(posted.map((event) => [event.event, event.time, event.details.failing]))}`);
    assert.deepEqual(fromExec(), posted, 'the command and the webhook get the same JSON');
    const failed = posted.find((event) => event.event === 'pass-failed')!;
    assert.equal(failed.mirror, 'watched');
    assert.match(failed.text, /big\.txt/);
    const held = posted.find((event) => event.event === 'guard-holding')!;
    assert.match(held.text, /holds 3 action\(s\).*approve with: lumensync approve watched --state-dir /);
    assert.equal(held.details.held, 3);
    assert.doesNotMatch(JSON.stringify(posted), /lumensync-dev-key/, 'no key in any event');
  } finally {
    daemon?.kill();
    receiver.close();
    await fx.cleanup();
  }
});
