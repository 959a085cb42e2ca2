/**
 * `doctor --probe` / `--probe-write` for the upstream behaviours of contract §13 (U1–U11): each
 * observable one is reported confirmed or contradicted, with the module that holds the
 * assumption. lumensync is safe either way; a contradiction says which safeguard is moot.
 * (U9, unsupported files, is probed with the permanent-failure checks; U10 is not observable quickly.)
 */
import { randomBytes } from 'node:crypto';
import { FormData } from 'undici';
import { toHexSlug } from '../api/slugs.js';
import type { ProbeTarget } from './probe.js';
import { isRecord, rawRequest, shortJson, type RawResponse } from './raw.js';
import type { ProbeResult } from './types.js';

const seen = (response: RawResponse): string => `HTTP ${response.status} ${shortJson(response.body)}`;
const verdict = (ok: boolean | undefined): ProbeResult['verdict'] => (ok === undefined ? 'inconclusive' : ok ? 'confirmed' : 'contradicted');
const documentsOf = (body: unknown): Record<string, unknown>[] =>
  (isRecord(body) && Array.isArray(body.documents) ? body.documents : []).filter(isRecord);
const workspaceDocuments = (body: unknown): Record<string, unknown>[] => {
  const wrapped = isRecord(body) ? body.workspace : undefined;
  const item = Array.isArray(wrapped) ? wrapped[0] : wrapped;
  return isRecord(item) && Array.isArray(item.documents) ? item.documents.filter(isRecord) : [];
};

/** Read-only: U2 (folder paging shape) and U7 (unknown workspace). */
export async function runUpstreamReadProbes(target: ProbeTarget): Promise<ProbeResult[]> {
  const get = (path: string) => rawRequest(target.apiBaseUrl, { path, apiKey: target.connection.apiKey, accountId: target.connection.accountId });
  const results: ProbeResult[] = [];
  const probe = async (id: string, assumption: string, module: string, run: () => Promise<[boolean | undefined, string]>): Promise<void> => {
    try {
      const [ok, observed] = await run();
      results.push({ id, assumption, verdict: verdict(ok), observed, module });
    } catch (error) {
      results.push({ id, assumption, verdict: 'inconclusive', observed: `request failed: ${(error as Error).message}`, module });
    }
  };
  await probe('U2-folder-paging', '§13 U2 a folder listing pages by offset/limit with { totalCount, hasMore }', 'src/api/client.ts (listFolder) + parse.ts (parseFolderPage)', async () => {
    const response = await get(`/v1/org/${toHexSlug(target.orgSlug)}/documents/folder/custom-documents?offset=0&limit=1`);
    const body = isRecord(response.body) ? response.body : {};
    return [response.status === 200 && typeof body.hasMore === 'boolean' && typeof body.totalCount === 'number', seen(response)];
  });
  await probe('U7-unknown-workspace', '§13 U7 an unknown workspace answers 200 { workspace: [] } (read as "no such workspace")', 'src/api/client.ts (getWorkspace)', async () => {
    const response = await get(`/v1/workspace/${toHexSlug(`lumensync-probe-${randomBytes(4).toString('hex')}`)}`);
    const wrapped = isRecord(response.body) ? response.body.workspace : undefined;
    return [response.status === 200 && Array.isArray(wrapped) && wrapped.length === 0, seen(response)];
  });
  return results;
}

/** Writes, in a scratch folder removed at the end: U1, U3, U4, U5, U6, U8, U11. */
export async function runUpstreamWriteProbes(target: ProbeTarget): Promise<ProbeResult[]> {
  const { apiBaseUrl, connection, orgSlug, workspaceSlug } = target;
  const orgHex = toHexSlug(orgSlug);
  const suffix = randomBytes(4).toString('hex');
  const scratch = `lumensync-probe-${suffix}-upstream`;
  const marker = `lumensync-probe-${suffix}`;
  const send = (method: 'GET' | 'POST' | 'DELETE', path: string, extra: { json?: unknown; form?: FormData } = {}) =>
    rawRequest(apiBaseUrl, { method, path, apiKey: connection.apiKey, accountId: connection.accountId, ...extra });
  const uploadTo = (folder: string, fileName: string, content: string, fields: Record<string, string> = {}) => {
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'text/plain' }), fileName);
    form.append('metadata', JSON.stringify({ title: `${marker}/${fileName}`, docSource: marker, url: 'lumensync-probe-url', ...fields }));
    if (fields.addToWorkspaces !== undefined) form.append('addToWorkspaces', fields.addToWorkspaces);
    return send('POST', `/v1/org/${orgHex}/document/upload/${encodeURIComponent(folder)}`, { form });
  };
  const results: ProbeResult[] = [];
  const record = (id: string, assumption: string, ok: boolean | undefined, observed: string, module: string): void => {
    results.push({ id, assumption, verdict: verdict(ok), observed, module });
  };
  try {
    await send('POST', `/v1/org/${orgHex}/document/create-folder`, { json: { name: scratch } });
    // U1: same-named uploads at once; their sizes differ, so equal word counts mean shared bytes.
    let swapped = false;
    let tries = 0;
    for (; tries < 5 && !swapped; tries += 1) {
      const answers = await Promise.all([uploadTo(scratch, 'same.txt', 'a '), uploadTo(scratch, 'same.txt', 'b '.repeat(400))]);
      const counts = answers.map((answer) => documentsOf(answer.body)[0]?.wordCount);
      swapped = counts[0] !== undefined && counts[0] === counts[1];
    }
    record('U1-same-name-race', '§13 U1 same-named uploads in flight share a temporary file (one document carries the other\'s bytes)', swapped ? true : undefined,
      swapped ? `observed after ${tries} pair(s)` : `not observed in ${tries} pairs (timing-dependent: not proof of absence)`, 'src/core/marker.ts (uploadFileNameFor)');

    const plain = await uploadTo(scratch, 'plain.txt', 'lumensync probe\n', { addToWorkspaces: `lumensync-probe-no-such-${suffix}` });
    const doc = documentsOf(plain.body)[0];
    const docpath = typeof doc?.location === 'string' ? doc.location : undefined;
    record('U4-server-url', '§13 U4 url is set by the server, not taken from the upload metadata', doc === undefined ? undefined : doc.url !== 'lumensync-probe-url', shortJson(doc ?? plain.body), 'src/core/marker.ts (uploadMetadataFor)');
    record('U5-unknown-slug-ignored', '§13 U5 addToWorkspaces with an unknown slug is ignored (the upload still answers 200)', plain.status === 200, seen(plain), 'src/executor/upstream-checks.ts (embedMissingUploads)');

    const slash = await uploadTo(`${scratch}/sub`, 'orphan.txt', 'orphan\n', { docSource: `${marker}-orphan` });
    const orphans = documentsOf((await send('GET', `/v1/org/${orgHex}/documents/folder/custom-documents`)).body).filter((item) => item.docSource === `${marker}-orphan`);
    record('U3-orphan-on-500', '§13 U3 a 500 on upload-into-folder can leave the document in custom-documents', slash.status >= 500 ? orphans.length > 0 : false, `${seen(slash)}; orphans in custom-documents: ${orphans.length}`, 'src/executor/upstream-checks.ts (removeOrphans)');
    const orphanPaths = orphans.map((item) => `${orgSlug}/custom-documents/${String(item.name)}`);
    if (orphanPaths.length > 0) await send('DELETE', `/v1/org/${orgHex}/document/remove-files`, { json: { files: orphanPaths } });

    if (workspaceSlug === undefined || docpath === undefined) {
      record('U6-duplicate-embedding', '§13 U6 adding an embedded docpath again makes a second embedding record', undefined, 'no workspace configured (or the upload failed)', 'src/executor/executor.ts (embed: adds never re-sent blindly)');
    } else {
      const wsPath = `/v1/workspace/${toHexSlug(workspaceSlug)}`;
      await send('POST', `${wsPath}/update-embeddings`, { json: { adds: [docpath], deletes: [] } });
      const twice = await send('POST', `${wsPath}/update-embeddings`, { json: { adds: [docpath], deletes: [] } });
      const listed = workspaceDocuments((await send('GET', wsPath)).body).filter((item) => item.docpath === docpath).length;
      record('U6-duplicate-embedding', '§13 U6 adding an embedded docpath again makes a second embedding record', twice.status === 200 ? listed >= 2 : undefined, `${seen(twice)}; listed ${listed} time(s)`, 'src/executor/executor.ts (embed: adds never re-sent blindly)');
      const moved = await send('POST', `/v1/org/${orgHex}/document/move-files`, { json: { files: [{ from: docpath, to: `${orgSlug}/custom-documents/${docpath.split('/').pop() ?? ''}` }] } });
      const message = isRecord(moved.body) && typeof moved.body.message === 'string' ? moved.body.message : '';
      record('U8-move-embedded', '§13 U8 move-files skips an embedded document and still answers 200 ("n/m files not moved")', moved.status === 200 && /not moved/i.test(message), seen(moved), 'src/api/verify.ts (checkMoves)');
      await send('POST', `${wsPath}/update-embeddings`, { json: { adds: [], deletes: [docpath] } });
    }

    const missing = [`${orgSlug}/${scratch}/missing-${suffix}.json`];
    const purged = await send('DELETE', `/v1/org/${orgHex}/document/remove-files`, { json: { files: missing } });
    const body = isRecord(purged.body) ? purged.body : {};
    const shaped = (purged.status === 207 && Array.isArray(body.purged) && body.purged.length === 0) || (purged.status >= 400 && Array.isArray(body.failed));
    record('U11-all-failed', '§13 U11 remove-files where every entry fails: 207 with an empty purged, or 4xx/5xx with a failed list', shaped, seen(purged), 'src/api/multistatus.ts (parseBatchResult) + client-support.ts (carriesFailedList)');
  } finally {
    await send('DELETE', `/v1/org/${orgHex}/document/remove-folder`, { json: { name: scratch } }).catch(() => undefined);
  }
  return results;
}
