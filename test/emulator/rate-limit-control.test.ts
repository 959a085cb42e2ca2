/** The emulator's per-key limit (a multi-tenant server) and its control endpoint (a limit changed while running). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultEngine } from '../../src/emulator/faults.js';
import { startEmulator } from '../../src/emulator/server.js';

test('per-key limit: each API key has its own sliding window; the server-wide limit still counts every key', () => {
  const engine = new FaultEngine({ rateLimitPerKeyPerSec: 2, faultSeed: 1 });
  const limited = (at: number, key: string): boolean => engine.decide(at, key).rateLimitRetryAfter !== undefined;
  assert.deepEqual([limited(0, 'a'), limited(10, 'a'), limited(20, 'a')], [false, false, true]);
  assert.deepEqual([limited(30, 'b'), limited(40, 'b'), limited(50, 'b')], [false, false, true], 'key b has its own window');
  assert.equal(limited(1001, 'a'), false, 'the window slides');
  const both = new FaultEngine({ rateLimitPerSec: 3, rateLimitPerKeyPerSec: 2, faultSeed: 1 });
  assert.deepEqual([0, 1, 2, 3].map((i) => both.decide(i, i < 2 ? 'a' : 'b').rateLimitRetryAfter !== undefined), [false, false, false, true]);
});

test('control endpoint: GET shows the faults, PATCH merges (null removes), PUT replaces, bad input is a 400, /api/v1 is unaffected', async () => {
  const emu = await startEmulator({ port: 0, faults: { rateLimitPerKeyPerSec: 50 } });
  const control = async (method: string, body?: unknown): Promise<{ status: number; json: { faults?: Record<string, unknown>; message?: string } }> => {
    const response = await fetch(`${emu.url}/_emulator/faults`, {
      method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    return { status: response.status, json: await response.json() as { faults?: Record<string, unknown>; message?: string } };
  };
  try {
    assert.deepEqual((await control('GET')).json.faults, { rateLimitPerKeyPerSec: 50 });
    assert.deepEqual((await control('PATCH', { rateLimitPerKeyPerSec: 10, latencyMs: 5 })).json.faults, { rateLimitPerKeyPerSec: 10, latencyMs: 5 });
    assert.deepEqual((await control('PATCH', { latencyMs: null })).json.faults, { rateLimitPerKeyPerSec: 10 });
    assert.deepEqual((await control('PUT', { errorRate: 0 })).json.faults, { errorRate: 0 });
    const unknown = await control('PATCH', { rateLimit: 3 });
    assert.equal(unknown.status, 400);
    assert.match(unknown.json.message ?? '', /unknown fault setting\(s\) rateLimit/);
    const invalid = await control('PATCH', { errorRate: 2 });
    assert.equal(invalid.status, 400);
    assert.match(invalid.json.message ?? '', /errorRate must be a number between 0 and 1/);
    assert.equal((await control('DELETE')).status, 405);
    assert.equal(emu.requestLog.length, 0, 'control requests are not in the request log');
    // The changed limit applies to the API at once.
    await control('PUT', { rateLimitPerKeyPerSec: 1 });
    const api = (): Promise<number> => fetch(`${emu.url}/api/v1/orgs`, { headers: { Authorization: 'Bearer lumensync-dev-key', 'X-Account-Id': '11111111-2222-3333-4444-555555555555' } }).then((response) => response.status);
    assert.deepEqual([await api(), await api()], [200, 429]);
  } finally {
    await emu.close();
  }
});

test('control endpoint: the kind of limit changes while running, and a wrong one is a 400', async () => {
  const emu = await startEmulator({ port: 0, faults: { rateLimitPerKeyPerSec: 2 } });
  const patch = async (body: unknown): Promise<{ status: number; json: { faults?: Record<string, unknown>; message?: string } }> => {
    const response = await fetch(`${emu.url}/_emulator/faults`, { method: 'PATCH', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    return { status: response.status, json: await response.json() as { faults?: Record<string, unknown>; message?: string } };
  };
  try {
    assert.deepEqual((await patch({ rateLimitKind: 'token-bucket', rateLimitPerKeyPerSec: 0.2 })).json.faults, { rateLimitPerKeyPerSec: 0.2, rateLimitKind: 'token-bucket' });
    const wrong = await patch({ rateLimitKind: 'leaky-bucket' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.json.message ?? '', /rateLimitKind must be one of sliding-window, fixed-window, token-bucket/);
    // One token, back after 5 s: the second request waits for it, and Retry-After says how long.
    const api = (): Promise<[number, string | null]> => fetch(`${emu.url}/api/v1/orgs`, { headers: { Authorization: 'Bearer lumensync-dev-key', 'X-Account-Id': '11111111-2222-3333-4444-555555555555' } })
      .then((response) => [response.status, response.headers.get('retry-after')]);
    assert.deepEqual([(await api())[0], await api()], [200, [429, '5']]);
  } finally {
    await emu.close();
  }
});
