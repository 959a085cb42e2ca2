/**
 * The emulator's control endpoint: read or change the fault settings of a running emulator
 * (a server whose capacity changes because of load elsewhere), e.g. from another terminal:
 *
 *   curl -s http://127.0.0.1:8787/_emulator/faults
 *   curl -s -X PATCH -H 'Content-Type: application/json' -d '{"rateLimitPerKeyPerSec":10}' http://127.0.0.1:8787/_emulator/faults
 *
 * GET answers the settings; PATCH merges the given keys (null removes one); PUT replaces them
 * all. Outside /api/v1, needs no key, never meets injected faults, and is not in the request log.
 */
import type { IncomingMessage } from 'node:http';
import { LumenSyncError } from '../errors.js';
import { FAULT_KEYS, type FaultEngine, type FaultOptions } from './faults.js';
import { fail, HttpError, errorReply, readJsonObject } from './http.js';
import type { Reply } from './types.js';

/** Path of the control endpoint. */
export const CONTROL_PATH = '/_emulator/faults';

/** Answer a control request. */
export async function controlReply(req: IncomingMessage, faults: FaultEngine): Promise<Reply> {
  try {
    const method = req.method ?? 'GET';
    if (method === 'GET') return { status: 200, body: { success: true, faults: faults.settings } };
    if (method !== 'PATCH' && method !== 'PUT') throw fail(405, `${CONTROL_PATH} takes GET, PATCH or PUT`);
    const body = await readJsonObject(req);
    const next: Record<string, unknown> = method === 'PATCH' ? { ...faults.settings } : {};
    const unknown = Object.keys(body).filter((key) => !FAULT_KEYS.includes(key));
    if (unknown.length > 0) throw fail(400, `unknown fault setting(s) ${unknown.join(', ')}; known: ${FAULT_KEYS.join(', ')}`);
    if (body.down !== undefined && body.down !== null && typeof body.down !== 'boolean') throw fail(400, 'down must be true or false');
    for (const [key, value] of Object.entries(body)) {
      if (value === null) delete next[key];
      else next[key] = value;
    }
    try {
      faults.set(next as FaultOptions);
    } catch (error) {
      if (error instanceof LumenSyncError) throw fail(400, error.message);
      throw error;
    }
    return { status: 200, body: { success: true, faults: faults.settings } };
  } catch (error) {
    if (error instanceof HttpError) return errorReply(error);
    throw error;
  }
}
