/**
 * `doctor --probe-write`: create, upload, list, embed, move and remove one tiny document in
 * scratch folders, checking each UNCONFIRMED write behaviour the client relies on; the scratch
 * folders are removed at the end whatever happened.
 */
import { randomBytes } from 'node:crypto';
import { FormData } from 'undici';
import { toHexSlug } from '../api/slugs.js';
import type { ProbeTarget } from './probe.js';
import { isRecord, rawRequest, shortJson, type RawResponse } from './raw.js';
import type { ProbeResult } from './types.js';

const seen = (response: RawResponse): string => `HTTP ${response.status} ${shortJson(response.body)}`;
/** The marker lumensync-style metadata carries, to check the server keeps it (contract §11). */
const PROBE_SOURCE = 'lumensync-probe';

/** Run the write probes in a scratch folder of `target.orgSlug`. */
export async function runWriteProbes(target: ProbeTarget): Promise<ProbeResult[]> {
  const { apiBaseUrl, connection, orgSlug, workspaceSlug } = target;
  const orgHex = toHexSlug(orgSlug);
  const suffix = randomBytes(4).toString('hex');
  const scratch = `lumensync-probe-${suffix}`;
  const scratchMoved = `lumensync-probe-${suffix}-moved`;
  const send = (method: 'GET' | 'POST' | 'DELETE', path: string, extra: { json?: unknown; form?: FormData } = {}) =>
    rawRequest(apiBaseUrl, { method, path, apiKey: connection.apiKey, accountId: connection.accountId, ...extra });
  const results: ProbeResult[] = [];
  const record = (id: string, assumption: string, ok: boolean | undefined, observed: string, module: string): void => {
    results.push({ id, assumption, verdict: ok === undefined ? 'inconclusive' : ok ? 'confirmed' : 'contradicted', observed, module });
  };
  try {
    const created = await send('POST', `/v1/org/${orgHex}/document/create-folder`, { json: { name: scratch } });
    record('create-folder', '§6.15 POST /v1/org/{hex}/document/create-folder { name } answers 200', created.status === 200, seen(created), 'src/api/client.ts (createFolder)');
    const again = await send('POST', `/v1/org/${orgHex}/document/create-folder`, { json: { name: scratch } });
    const exists = [400, 409, 500].includes(again.status) && /already exists/i.test(shortJson(again.body, 1000));
    record('create-folder-exists', '§6.15 creating an existing folder answers 400/409/500 with "already exists"', exists, seen(again), 'src/api/client.ts (createFolder accept rule)');

    const form = new FormData();
    form.append('file', new Blob(['lumensync probe document\n'], { type: 'text/plain' }), 'probe.txt');
    form.append('metadata', JSON.stringify({ title: 'lumensync-probe/probe.txt', docSource: PROBE_SOURCE }));
    const uploaded = await send('POST', `/v1/org/${orgHex}/document/upload/${encodeURIComponent(scratch)}`, { form });
    const documents = isRecord(uploaded.body) && Array.isArray(uploaded.body.documents) ? uploaded.body.documents : [];
    const first = isRecord(documents[0]) ? documents[0] : undefined;
    const location = typeof first?.location === 'string' ? first.location : undefined;
    record('upload-into-folder', '§6.11 POST …/document/upload/{folder} answers 200 { documents: [{ location }] }', uploaded.status === 200 && location !== undefined, seen(uploaded), 'src/api/client.ts (uploadDocument) + parse.ts (parseUploadedDocuments)');
    if (location === undefined) return results;
    record('location-prefixed', '§6.10 location is the full docpath {org}/{folder}/{storedName}', location.startsWith(`${orgSlug}/${scratch}/`), location, 'src/api/parse.ts (parseUploadedDocuments)');
    const storedName = location.split('/').pop() ?? '';
    record('stored-name', '§4.3 stored name is {slugified name}-{uuid}.json', /^probe\.txt-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$/.test(storedName), storedName, 'src/core/marker.ts (adoption by metadata, not by name)');

    const listed = await send('GET', `/v1/org/${orgHex}/documents/folder/${encodeURIComponent(scratch)}`);
    const item = (isRecord(listed.body) && Array.isArray(listed.body.documents) ? listed.body.documents : []).find((doc) => isRecord(doc) && doc.name === storedName);
    const kept = isRecord(item) && item.title === 'lumensync-probe/probe.txt' && item.docSource === PROBE_SOURCE;
    record('metadata-kept', '§11 the listing echoes the uploaded metadata title and docSource (crash recovery adopts by them)', item === undefined ? false : kept, shortJson(item ?? listed.body), 'src/core/marker.ts + src/api/parse.ts (parseDocument)');

    if (workspaceSlug === undefined) {
      record('embeddings', '§6.9 update-embeddings adds/deletes docpaths and the workspace lists them', undefined, 'no workspace configured to embed into', 'src/api/verify.ts (checkEmbeddings)');
    } else {
      const workspaceHex = toHexSlug(workspaceSlug);
      const added = await send('POST', `/v1/workspace/${workspaceHex}/update-embeddings`, { json: { adds: [location], deletes: [] } });
      const detail = await send('GET', `/v1/workspace/${workspaceHex}`);
      const listedDocpaths = JSON.stringify(detail.body ?? '');
      record('embeddings', '§6.9 update-embeddings { adds } answers 200 and W1 lists the docpath', added.status === 200 && listedDocpaths.includes(storedName), `${seen(added)}; listed: ${listedDocpaths.includes(storedName)}`, 'src/api/verify.ts (checkEmbeddings)');
      const removed = await send('POST', `/v1/workspace/${workspaceHex}/update-embeddings`, { json: { adds: [], deletes: [location] } });
      record('unembed', '§6.9 update-embeddings { deletes } un-embeds (the document is kept)', removed.status === 200, seen(removed), 'src/api/verify.ts (checkEmbeddings)');
    }

    await send('POST', `/v1/org/${orgHex}/document/create-folder`, { json: { name: scratchMoved } });
    const movedTo = `${orgSlug}/${scratchMoved}/${storedName}`;
    const moved = await send('POST', `/v1/org/${orgHex}/document/move-files`, { json: { files: [{ from: location, to: movedTo }] } });
    const afterMove = await send('GET', `/v1/org/${orgHex}/documents/folder/${encodeURIComponent(scratchMoved)}`);
    const landed = shortJson(afterMove.body, 100_000).includes(storedName);
    record('move-files', '§6.17 move-files { files: [{ from, to }] } moves an un-embedded document', moved.status === 200 && landed, `${seen(moved)}; in destination: ${landed}`, 'src/api/client.ts (moveFiles) + verify.ts (checkMoves)');

    const missing = `${orgSlug}/${scratchMoved}/missing-${suffix}.json`;
    const purged = await send('DELETE', `/v1/org/${orgHex}/document/remove-files`, { json: { files: [landed ? movedTo : location, missing] } });
    const body = isRecord(purged.body) ? purged.body : {};
    const failed = Array.isArray(body.failed) ? body.failed : [];
    const shapeOk = purged.status === 207 && Array.isArray(body.purged) && failed.length === 1 && isRecord(failed[0]) && failed[0].docpath === missing && typeof failed[0].reason === 'string';
    record('remove-files-207', '§8 remove-files with one missing docpath answers 207 { purged: [...], failed: [{ docpath, reason }] }', shapeOk, seen(purged), 'src/api/multistatus.ts (parseBatchResult)');
  } finally {
    for (const folder of [scratchMoved, scratch]) {
      const removed = await send('DELETE', `/v1/org/${orgHex}/document/remove-folder`, { json: { name: folder } }).catch((error: Error) => error);
      if (folder === scratch) {
        const ok = removed instanceof Error ? undefined : removed.status === 200;
        record('remove-folder', '§6.16 DELETE …/document/remove-folder { name } answers 200', ok, removed instanceof Error ? removed.message : seen(removed), 'src/api/client.ts (removeFolder)');
      }
    }
  }
  return results;
}
