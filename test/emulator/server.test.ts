import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { STATE_FILE_NAME } from '../../src/emulator/persistence.js';
import { appendBounded, MAX_REQUEST_LOG, startEmulator, type EmulatorHandle, type FaultOptions } from '../../src/emulator/server.js';
import { ACME_ACCOUNT, ACME_HEX, call, upload, uploadDocpath } from './helpers.js';

const withEmulator = async (faults: FaultOptions, body: (em: EmulatorHandle) => Promise<void>) => {
  const em = await startEmulator({ port: 0, faults });
  try {
    await body(em);
  } finally {
    await em.close();
  }
};

const createFolder = (em: EmulatorHandle, name: string) => call(em, 'POST', `/org/${ACME_HEX}/document/create-folder`, { json: { name } });

test('faults over HTTP', async (t) => {
  await t.test('down: connection destroyed, logged with status null', () => withEmulator({ down: true }, async (em) => {
    await assert.rejects(call(em, 'GET', '/auth'));
    assert.deepEqual([em.requestLog[0]?.status, em.requestLog[0]?.fault], [null, 'down']);
  }));
  await t.test('drop: nothing applied', () => withEmulator({ dropRate: 1 }, async (em) => {
    await assert.rejects(createFolder(em, 'dropped'));
    assert.equal(em.state.hasFolder('acme', 'dropped'), false);
    assert.equal(em.requestLog[0]?.fault, 'drop');
  }));
  await t.test('500 before doing anything', () => withEmulator({ errorRate: 1 }, async (em) => {
    const result = await createFolder(em, 'nope');
    assert.equal(result.status, 500);
    assert.deepEqual(result.body, { success: false, message: 'Internal Server Error (injected)' });
    assert.equal(em.state.hasFolder('acme', 'nope'), false);
    assert.equal(em.requestLog[0]?.fault, '500');
  }));
  await t.test('random 429 with Retry-After', () => withEmulator({ rateLimitFraction: 1, retryAfterSeconds: 3 }, async (em) => {
    const result = await call(em, 'GET', '/auth');
    assert.equal(result.status, 429);
    assert.equal(result.headers.get('retry-after'), '3');
    assert.equal(result.body.success, false);
    assert.deepEqual([em.requestLog[0]?.fault, em.requestLog[0]?.retryAfterSeconds], ['429', 3]);
  }));
  await t.test('rate limit per second', () => withEmulator({ rateLimitPerSec: 3 }, async (em) => {
    // Sent together so all five land inside one window even on a loaded machine.
    const statuses = (await Promise.all(Array.from({ length: 5 }, () => call(em, 'GET', '/auth')))).map((r) => r.status);
    assert.deepEqual(statuses.sort(), [200, 200, 200, 429, 429]);
    const limited = em.requestLog.filter((entry) => entry.status === 429);
    assert.equal(limited.length, 2);
    assert.ok(limited.every((entry) => entry.fault === '429' && Number(entry.retryAfterSeconds) >= 1));
  }));
  await t.test('latency and spike are logged and waited', () => withEmulator({ latencyMs: 40 }, async (em) => {
    const started = Date.now();
    assert.equal((await call(em, 'GET', '/auth')).status, 200);
    assert.ok(Date.now() - started >= 35);
    assert.equal(em.requestLog[0]?.fault, 'latency');
    em.setFaults({ spikeRate: 1, spikeMs: 30 });
    await call(em, 'GET', '/auth');
    assert.equal(em.requestLog[1]?.fault, 'spike');
    em.setFaults({});
    await call(em, 'GET', '/auth');
    assert.equal(em.requestLog[2]?.fault, undefined);
  }));
  await t.test('a delay is a round trip: applied half-way, answered at its end, the work inside it', () => withEmulator({ latencyMs: 1000 }, async (em) => {
    const started = performance.now();
    let answeredAfterMs: number | undefined;
    const answered = createFolder(em, 'half-way').then((result) => {
      answeredAfterMs = performance.now() - started;
      return result.status;
    });
    const until = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms - (performance.now() - started)));
    await until(200);
    assert.equal(em.state.hasFolder('acme', 'half-way'), false, 'not applied in the first half');
    await until(750);
    assert.equal(em.state.hasFolder('acme', 'half-way'), true, 'applied in the second half');
    assert.equal(answeredAfterMs, undefined, 'not answered before the delay is over');
    assert.equal(await answered, 200);
    assert.ok(answeredAfterMs! >= 995, `answered after ${answeredAfterMs} ms`);
  }));
  await t.test('drop after apply: the mutation happened, the answer is lost; reads unaffected', () => withEmulator({ dropAfterApplyRate: 1 }, async (em) => {
    await assert.rejects(createFolder(em, 'applied'));
    assert.equal(em.state.hasFolder('acme', 'applied'), true);
    assert.deepEqual([em.requestLog[0]?.status, em.requestLog[0]?.fault], [null, 'drop-after-apply']);
    assert.equal((await call(em, 'GET', '/auth')).status, 200);
    assert.equal((await createFolder(em, 'applied')).status, 500, 'failed mutations are answered');
  }));
  await t.test('remove-files storage errors → 207, document kept', () => withEmulator({}, async (em) => {
    const docpath = await uploadDocpath(em);
    em.setFaults({ removeFailRate: 1 });
    const result = await call(em, 'DELETE', `/org/${ACME_HEX}/document/remove-files`, { json: { files: [docpath] } });
    assert.equal(result.status, 207);
    assert.deepEqual(result.body.failed, [{ docpath, reason: 'storage error (injected)' }]);
    assert.ok(em.state.document(docpath));
  }));
  await t.test('413 above maxUploadBytes', () => withEmulator({ maxUploadBytes: 10 }, async (em) => {
    const big = await upload(em, { content: '01234567890' });
    assert.equal(big.status, 413);
    assert.equal(big.body.success, false);
    assert.match(big.body.message, /10 bytes/);
    assert.equal(em.requestLog[0]?.fault, '413');
    assert.equal(em.state.listDocuments('acme').length, 0);
    assert.equal((await upload(em, { content: '0123456789' })).status, 200);
  }));
});

test("a delay's answer also waits the server time a route models (U1's processing), not the emulator's own", async () => {
  const em = await startEmulator({ port: 0, faults: { latencyMs: 200 }, upstream: { processingMs: 150 } });
  try {
    const started = performance.now();
    assert.equal((await upload(em)).status, 200);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 345, `answered after ${elapsed} ms, not 200 + 150`);
    assert.equal(em.requestLog.at(-1)?.processingMs, 150);
  } finally {
    await em.close();
  }
});

test('same faultSeed + same request order → same faults', async () => {
  const statuses = async () => withStatuses({ errorRate: 0.5, rateLimitFraction: 0.2, faultSeed: 1234 });
  const first = await statuses();
  assert.deepEqual(await statuses(), first);
  assert.ok(first.includes(500) && first.includes(200), first.join(','));
});

const withStatuses = async (faults: FaultOptions): Promise<number[]> => {
  const out: number[] = [];
  await withEmulator(faults, async (em) => {
    for (let i = 0; i < 30; i += 1) out.push((await call(em, 'GET', '/auth')).status);
  });
  return out;
};

test('request log records every request in order', () => withEmulator({}, async (em) => {
  await call(em, 'GET', '/auth', { key: null });
  await call(em, 'GET', `/org/${ACME_HEX}/documents?limit=5`);
  const [a, b] = em.requestLog;
  assert.deepEqual([a?.seq, a?.method, a?.path, a?.status, a?.accountId], [1, 'GET', '/api/v1/auth', 403, ACME_ACCOUNT]);
  assert.deepEqual([b?.seq, b?.path, b?.status], [2, `/api/v1/org/${ACME_HEX}/documents`, 200]);
  assert.ok(Math.abs((b?.receivedAt ?? 0) - Date.now()) < 10_000);
}));

test('the request log keeps only the newest entries', () => {
  assert.equal(MAX_REQUEST_LOG, 200_000);
  const log: number[] = [];
  for (let i = 1; i <= 7; i += 1) appendBounded(log, i, 5);
  assert.deepEqual(log, [3, 4, 5, 6, 7]);
});

test('close() destroys open sockets even mid-request', async () => {
  const em = await startEmulator({ port: 0, faults: { latencyMs: 10_000 } });
  const pending = call(em, 'GET', '/auth').catch(() => 'failed');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await em.close();
  assert.ok(Date.now() - started < 2000);
  assert.equal(await pending, 'failed');
  await em.close(); // idempotent
});

test('persistence with dataDir across restart', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-'));
  try {
    const first = await startEmulator({ port: 0, dataDir });
    const docpath = await uploadDocpath(first, { folder: 'kept', addToWorkspaces: 'sales', metadata: { title: 'x/y.txt', docSource: 'sync:1' } });
    await call(first, 'POST', `/org/${ACME_HEX}/workspace/new`, { json: { name: 'Persisted' } });
    await first.close();
    const saved = JSON.parse(await readFile(path.join(dataDir, STATE_FILE_NAME), 'utf8'));
    assert.equal(saved.format, 'lumensync-emulator-state');

    const second = await startEmulator({ port: 0, dataDir });
    try {
      assert.equal(second.state.document(docpath)?.title, 'x/y.txt');
      assert.deepEqual(second.state.workspaceDocpaths('sales'), [docpath]);
      assert.ok(second.state.workspace('persisted'));
      const listing = await call(second, 'GET', `/org/${ACME_HEX}/documents/folder/kept`);
      assert.equal(listing.body.documents[0].docSource, 'sync:1');
      // Ids keep counting after a restart.
      const created = await call(second, 'POST', `/org/${ACME_HEX}/workspace/new`, { json: { name: 'After' } });
      assert.ok(created.body.workspace.id > second.state.workspace('persisted')!.id);
    } finally {
      await second.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a corrupt state file is reported', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-'));
  try {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dataDir, STATE_FILE_NAME), '{broken');
    await assert.rejects(startEmulator({ port: 0, dataDir }), /not valid JSON/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('restart on the same in-memory state', async () => {
  const first = await startEmulator({ port: 0 });
  const docpath = await uploadDocpath(first);
  await first.close();
  const second = await startEmulator({ port: 0, state: first.state });
  try {
    const result = await call(second, 'GET', `/org/${ACME_HEX}/document/${encodeURIComponent(docpath.split('/')[2] ?? '')}`);
    assert.equal(result.status, 200);
  } finally {
    await second.close();
  }
});
