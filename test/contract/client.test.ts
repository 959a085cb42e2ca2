import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import type { LumenOneClient } from '../../src/api/client.js';
import { resolveOrganization, resolveWorkspaces } from '../../src/api/resolve.js';
import { toHexSlug } from '../../src/api/slugs.js';
import { LumenSyncError } from '../../src/errors.js';
import { ACME_ACCOUNT, DEV_KEY, GLOBEX_ACCOUNT, INITECH_ACCOUNT, OTHER_COMPANY_KEY, clientFor, rejectsRemote, tempFiles } from './helpers.js';

describe('client against the emulator: auth, orgs, workspaces', () => {
  let emu: EmulatorHandle;
  let client: LumenOneClient;
  const extra: LumenOneClient[] = [];
  const another = (options: Parameters<typeof clientFor>[1]): LumenOneClient => {
    const created = clientFor(emu.url, options);
    extra.push(created);
    return created;
  };

  before(async () => {
    emu = await startEmulator({ port: 0 });
    client = clientFor(emu.url);
  });
  after(async () => {
    await Promise.all([client, ...extra].map((c) => c.close()));
    await emu.close();
  });

  it('A1 verifyKey: valid key resolves, without X-Account-Id', async () => {
    await client.verifyKey();
    const entry = emu.requestLog.at(-1);
    assert.equal(entry?.path, '/api/v1/auth');
    assert.equal(entry?.status, 200);
    assert.equal(entry?.accountId, undefined);
  });

  it('A1 verifyKey: unknown key → auth 403 with the superadmin hint', () =>
    rejectsRemote(another({ apiKey: 'wrong-key' }).verifyKey(), { kind: 'auth', status: 403, retryable: false }, ['superadmin', 'LUMENONE_API_KEY']));

  it('host given with /api/v1 works the same', async () => {
    await another({ host: `${emu.url}/api/v1` }).verifyKey();
  });

  it('O1 lists the orgs of the account with both slug forms', async () => {
    assert.deepEqual((await client.listOrganizations()).map((org) => [org.orgSlug, org.orgSlugHex]), [['acme', '61636d65']]);
    assert.deepEqual((await another({ accountId: GLOBEX_ACCOUNT }).listOrganizations()).map((org) => org.orgSlug), ['globex']);
  });

  it('O2 getOrganization by original slug', async () => {
    const org = await client.getOrganization('acme');
    assert.equal(org.orgSlug, 'acme');
    assert.equal(org.orgSlugHex, '61636d65');
    assert.equal(emu.requestLog.at(-1)?.path, '/api/v1/org/61636d65');
  });

  it('O2 org of another account → not-found with account hint', () =>
    rejectsRemote(client.getOrganization('globex'), { kind: 'not-found', status: 404, retryable: false }, ['LUMENONE_ACCOUNT_ID']));

  it('account of another company → auth 403 foreign account', () =>
    rejectsRemote(client.getOrganization.call(another({ accountId: INITECH_ACCOUNT }), 'initech'), { kind: 'auth', status: 403 }, ['LUMENONE_ACCOUNT_ID']));

  it('other company key cannot see acme', () =>
    rejectsRemote(another({ apiKey: OTHER_COMPANY_KEY }).listWorkspaces('acme'), { kind: 'auth', status: 403 }));

  it('account id that is not a UUID → validation 400 with account hint', () =>
    rejectsRemote(another({ accountId: 'acme-account' }).listWorkspaces('acme'), { kind: 'validation', status: 400 }, ['LUMENONE_ACCOUNT_ID']));

  it('hex given where the original belongs: the path gets hex-of-hex → 404', () =>
    rejectsRemote(client.getOrganization('61636d65'), { kind: 'not-found', status: 404 }));

  it('O3 lists workspaces with both slug forms', async () => {
    const workspaces = await client.listWorkspaces('acme');
    assert.deepEqual(
      workspaces.map((workspace) => [workspace.workspaceSlug, workspace.workspaceSlugHex]).sort(),
      [
        ['sales', toHexSlug('sales')],
        ['support-bot', '737570706f72742d626f74'],
      ],
    );
  });

  it('O4 createWorkspace reads the slugs from the response; W1 then finds it', async () => {
    const created = await client.createWorkspace('acme', 'Legal Team');
    assert.equal(created.name, 'Legal Team');
    assert.equal(created.workspaceSlugHex, toHexSlug(created.workspaceSlug));
    const detail = await client.getWorkspace(created.workspaceSlug, 'acme');
    assert.equal(detail.workspaceSlug, created.workspaceSlug);
    assert.deepEqual(detail.docpaths, []);
    const again = await client.createWorkspace('acme', 'Legal Team');
    assert.notEqual(again.workspaceSlug, created.workspaceSlug, 'a name collision gets a new slug');
  });

  it('W1 getWorkspace of the seed (array-wrapped upstream shape)', async () => {
    const detail = await client.getWorkspace('support-bot', 'acme');
    assert.equal(detail.workspaceSlug, 'support-bot');
    assert.ok(Array.isArray(detail.docpaths));
  });

  // An unknown workspace answers 200 { workspace: [] } upstream (U7, test/contract/upstream.test.ts).
  const workspaceMisses: { label: string; workspaceSlug: string; status: number }[] = [
    { label: 'unknown workspace', workspaceSlug: 'nope', status: 200 },
    { label: 'workspace of another account', workspaceSlug: 'helpdesk', status: 404 },
  ];
  for (const { label, workspaceSlug, status } of workspaceMisses) {
    it(`W1 ${label} → not-found`, () => rejectsRemote(client.getWorkspace(workspaceSlug, 'acme'), { kind: 'not-found', status }, ['--workspace']));
  }

  it('resolveOrganization: original ok, hex form caught, unknown lists visible orgs', async () => {
    assert.equal((await resolveOrganization(client, 'acme')).orgSlugHex, '61636d65');
    await assert.rejects(resolveOrganization(client, '61636d65'), (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_CONFIG_INVALID' && error.message.includes('hex form of the organization slug "acme"'));
    await assert.rejects(resolveOrganization(client, 'globex'), (error: unknown) => error instanceof LumenSyncError && error.message.includes('the account sees: acme'));
  });

  it('resolveWorkspaces: hex form caught, unknown named', async () => {
    const acme = await resolveOrganization(client, 'acme');
    assert.deepEqual((await resolveWorkspaces(client, acme, ['support-bot'])).map((w) => w.workspaceSlug), ['support-bot']);
    await assert.rejects(resolveWorkspaces(client, acme, ['737570706f72742d626f74']), (error: unknown) => error instanceof LumenSyncError && error.message.includes('hex form of the workspace slug "support-bot"'));
    await assert.rejects(resolveWorkspaces(client, acme, ['helpdesk']), (error: unknown) => error instanceof LumenSyncError && error.message.includes('"helpdesk" is not in organization "acme"'));
  });
});

describe('client against the emulator: documents and embeddings', () => {
  let emu: EmulatorHandle;
  let client: LumenOneClient;
  let files: Awaited<ReturnType<typeof tempFiles>>;

  before(async () => {
    emu = await startEmulator({ port: 0 });
    client = clientFor(emu.url);
    files = await tempFiles();
  });
  after(async () => {
    await client.close();
    await emu.close();
    await files.remove();
  });

  const upload = async (name: string, content: string, extra: { folder?: string; addToWorkspaces?: string[] } = {}) =>
    client.uploadDocument({ orgSlug: 'acme', filePath: await files.write(name, content), fileName: name, metadata: { title: `docs/${name}`, docSource: `sync:${name}` }, ...extra });

  it('D1 upload: docpath in custom-documents, metadata stored, embedded via addToWorkspaces, bytes streamed intact', async () => {
    const content = 'hello lumen\n'.repeat(1000);
    const [document, ...rest] = await upload('notes.txt', content, { addToWorkspaces: ['support-bot', 'sales'] });
    assert.equal(rest.length, 0);
    assert.ok(document);
    assert.match(document.docpath, /^acme\/custom-documents\/notes\.txt-[0-9a-f-]{36}\.json$/);
    assert.equal(document.storedName, document.docpath.split('/')[2]);
    const stored = emu.state.listDocuments('acme').find((d) => d.docpath === document.docpath);
    assert.equal(stored?.title, 'docs/notes.txt');
    assert.equal(stored?.docSource, 'sync:notes.txt');
    assert.equal(stored?.sha256, createHash('sha256').update(content).digest('hex'));
    assert.ok(emu.state.workspaceDocpaths('support-bot').includes(document.docpath));
    assert.ok(emu.state.workspaceDocpaths('sales').includes(document.docpath));
  });

  it('D2 upload into a folder creates it; location is acme/{folder}/…', async () => {
    const [document] = await upload('report.md', '# Q3', { folder: 'reports' });
    assert.match(document?.docpath ?? '', /^acme\/reports\/report\.md-/);
    assert.ok(emu.state.folders('acme').includes('reports'));
  });

  const uploadRefusals: { label: string; addToWorkspaces: string[]; hint: string }[] = [
    { label: 'cross-org addToWorkspaces', addToWorkspaces: ['helpdesk'], hint: '--workspace' },
    { label: 'hex slug in addToWorkspaces', addToWorkspaces: ['737570706f72742d626f74'], hint: 'original slug' },
  ];
  for (const { label, addToWorkspaces, hint } of uploadRefusals) {
    it(`D1 ${label} → 400, nothing stored`, async () => {
      const before = emu.state.listDocuments('acme').length;
      await rejectsRemote(upload('refused.txt', 'x', { addToWorkspaces }), { kind: 'validation', status: 400, retryable: false }, [hint]);
      assert.equal(emu.state.listDocuments('acme').length, before);
    });
  }

  it('D2 folder name with "/" is refused before sending', async () => {
    const sent = emu.requestLog.length;
    await assert.rejects(upload('x.txt', 'x', { folder: 'a/b' }), (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_CONFIG_INVALID');
    assert.equal(emu.requestLog.length, sent);
  });

  it('missing local file → LUMENSYNC_LOCAL_IO', async () => {
    await assert.rejects(
      client.uploadDocument({ orgSlug: 'acme', filePath: `${files.dir}/does-not-exist.txt`, fileName: 'x.txt' }),
      (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_LOCAL_IO',
    );
  });

  it('D3 listDocuments flattens the tree and reads our metadata back', async () => {
    const documents = await client.listDocuments('acme');
    const notes = documents.find((d) => d.title === 'docs/notes.txt');
    assert.ok(notes);
    assert.equal(notes.folder, 'custom-documents');
    assert.equal(notes.docSource, 'sync:notes.txt');
    assert.ok(documents.some((d) => d.folder === 'reports' && d.title === 'docs/report.md'));
    assert.deepEqual(documents.map((d) => d.docpath).sort(), emu.state.listDocuments('acme').map((d) => d.docpath).sort());
  });

  it('D4 listFolder: known folder, unknown folder → exists:false', async () => {
    const reports = await client.listFolder('acme', 'reports');
    assert.equal(reports.exists, true);
    assert.deepEqual(reports.documents.map((d) => d.title), ['docs/report.md']);
    assert.deepEqual(await client.listFolder('acme', 'no-such-folder'), { folder: 'no-such-folder', exists: false, documents: [] });
  });

  it('D4 listFolder of an org not visible → not-found error, not exists:false', () =>
    rejectsRemote(client.listFolder('globex', 'custom-documents'), { kind: 'not-found', status: 404 }));

  it('D5 getDocument by stored name; unknown → undefined', async () => {
    const [stored] = emu.state.listDocuments('acme').filter((d) => d.folder === 'reports');
    assert.ok(stored);
    const document = await client.getDocument('acme', stored.storedName);
    assert.equal(document?.docpath, stored.docpath);
    assert.equal(document?.title, 'docs/report.md');
    assert.equal(await client.getDocument('acme', 'missing.txt-00000000-0000-4000-8000-000000000000.json'), undefined);
  });

  it('D6 createFolder: new → created, existing (500 "already exists") → created:false', async () => {
    assert.deepEqual(await client.createFolder('acme', 'policies'), { created: true });
    assert.deepEqual(await client.createFolder('acme', 'policies'), { created: false });
    assert.equal(emu.requestLog.at(-1)?.status, 500);
  });

  it('W4 updateEmbeddings: adds and deletes applied; unknown add reported as notFound', async () => {
    const [a] = await upload('a.txt', 'a');
    const [b] = await upload('b.txt', 'b', { addToWorkspaces: ['sales'] });
    assert.ok(a && b);
    const ghost = 'acme/custom-documents/ghost.txt-00000000-0000-4000-8000-000000000000.json';
    const result = await client.updateEmbeddings('sales', 'acme', { adds: [a.docpath, ghost], deletes: [b.docpath] });
    assert.equal(result.status, 200);
    assert.deepEqual(result.failed.map((f) => [f.docpath, f.notFound]), [[ghost, true]]);
    assert.ok(result.purged.includes(a.docpath) && result.purged.includes(b.docpath));
    const embedded = emu.state.workspaceDocpaths('sales');
    assert.ok(embedded.includes(a.docpath));
    assert.ok(!embedded.includes(b.docpath));
    assert.deepEqual((await client.getWorkspace('sales', 'acme')).docpaths.sort(), [...embedded].sort());
  });

  it('W4 nothing to change → no request', async () => {
    const sent = emu.requestLog.length;
    assert.equal((await client.updateEmbeddings('sales', 'acme', {})).partial, false);
    assert.equal(emu.requestLog.length, sent);
  });

  it('W4 cross-org docpath → 400 cross-org', () =>
    rejectsRemote(client.updateEmbeddings('sales', 'acme', { adds: ['globex/custom-documents/x.json'] }), { kind: 'validation', status: 400 }, ['"acme"']));

  it('W4 hex-prefixed docpath → 400 wrong slug form', () =>
    rejectsRemote(client.updateEmbeddings('sales', 'acme', { adds: ['61636d65/custom-documents/x.json'] }), { kind: 'validation', status: 400 }, ['original slug']));

  it('D8 moveFiles: free document moves, embedded one is reported not moved', async () => {
    const [free] = await upload('free.txt', 'free');
    const [embedded] = await upload('pinned.txt', 'pinned', { addToWorkspaces: ['support-bot'] });
    assert.ok(free && embedded);
    const to = (docpath: string) => docpath.replace('/custom-documents/', '/policies/');
    const result = await client.moveFiles('acme', [
      { from: free.docpath, to: to(free.docpath) },
      { from: embedded.docpath, to: to(embedded.docpath) },
    ]);
    assert.deepEqual(result.purged, [free.docpath]);
    assert.deepEqual(result.failed.map((f) => [f.docpath, f.retryable]), [[embedded.docpath, false]]);
    assert.equal(result.partial, true);
    const docpaths = emu.state.listDocuments('acme').map((d) => d.docpath);
    assert.ok(docpaths.includes(to(free.docpath)) && docpaths.includes(embedded.docpath));
  });

  it('D9 removeFiles: one real + one unknown → 207 partial, real one un-embedded', async () => {
    const [doomed] = await upload('doomed.txt', 'bye', { addToWorkspaces: ['support-bot'] });
    assert.ok(doomed);
    const unknown = 'acme/custom-documents/gone.txt-0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.json';
    const result = await client.removeFiles('acme', [doomed.docpath, unknown]);
    assert.equal(result.status, 207);
    assert.equal(result.partial, true);
    assert.deepEqual(result.purged, [doomed.docpath]);
    assert.deepEqual(result.failed.map((f) => [f.docpath, f.notFound, f.retryable]), [[unknown, true, false]]);
    assert.ok(!emu.state.workspaceDocpaths('support-bot').includes(doomed.docpath));
  });

  it('D9 removeFiles all real → 200 clean', async () => {
    const [one] = await upload('one.txt', '1');
    assert.ok(one);
    assert.deepEqual(await client.removeFiles('acme', [one.docpath]), { status: 200, partial: false, purged: [one.docpath], failed: [], message: undefined });
  });

  it('D9 cross-org docpath → 400 for the whole request, nothing deleted', async () => {
    const [kept] = await upload('kept.txt', 'k');
    assert.ok(kept);
    await rejectsRemote(client.removeFiles('acme', [kept.docpath, 'globex/custom-documents/x.json']), { kind: 'validation', status: 400 });
    assert.ok(emu.state.listDocuments('acme').some((d) => d.docpath === kept.docpath));
  });

  it('D7 removeFolder: custom-documents refused; a folder goes with its documents and embeddings', async () => {
    await rejectsRemote(client.removeFolder('acme', 'custom-documents'), { kind: 'validation', status: 400, retryable: false });
    const [inside] = await upload('in.txt', 'in', { folder: 'temp', addToWorkspaces: ['sales'] });
    assert.ok(inside);
    await client.removeFolder('acme', 'temp');
    assert.ok(!emu.state.folders('acme').includes('temp'));
    assert.ok(!emu.state.listDocuments('acme').some((d) => d.docpath === inside.docpath));
    assert.ok(!emu.state.workspaceDocpaths('sales').includes(inside.docpath));
  });
});

describe('client against the emulator: faults', () => {
  let emu: EmulatorHandle;
  let client: LumenOneClient;
  let files: Awaited<ReturnType<typeof tempFiles>>;

  before(async () => {
    emu = await startEmulator({ port: 0, faults: { faultSeed: 7 } });
    client = clientFor(emu.url, { headersTimeoutMs: 1000 });
    files = await tempFiles();
  });
  after(async () => {
    await client.close();
    await emu.close();
    await files.remove();
  });

  it('injected 500 → server, retryable, support-ticket hint', async () => {
    emu.setFaults({ errorRate: 1 });
    await rejectsRemote(client.listWorkspaces('acme'), { kind: 'server', status: 500, retryable: true, mayHaveApplied: false, accountId: ACME_ACCOUNT }, ['support ticket', ACME_ACCOUNT]);
  });

  it('injected 429 → rate-limit with Retry-After', async () => {
    emu.setFaults({ rateLimitFraction: 1, retryAfterSeconds: 2 });
    await rejectsRemote(client.listWorkspaces('acme'), { kind: 'rate-limit', status: 429, retryable: true, retryAfterMs: 2000 });
  });

  it('dropped connection → network, may have applied', async () => {
    emu.setFaults({ dropRate: 1 });
    await rejectsRemote(client.listWorkspaces('acme'), { kind: 'network', retryable: true, mayHaveApplied: true });
  });

  it('response lost after apply: upload is stored, client says may have applied', async () => {
    emu.setFaults({ dropAfterApplyRate: 1 });
    const filePath = await files.write('lost.txt', 'lost');
    await rejectsRemote(client.uploadDocument({ orgSlug: 'acme', filePath, fileName: 'lost.txt' }), { kind: 'network', mayHaveApplied: true });
    emu.setFaults({});
    assert.ok(emu.state.listDocuments('acme').some((d) => d.title === 'lost.txt'));
  });

  it('413 over the upload limit → too-large, not retryable', async () => {
    emu.setFaults({ maxUploadBytes: 10 });
    const filePath = await files.write('big.txt', 'x'.repeat(1000));
    await rejectsRemote(client.uploadDocument({ orgSlug: 'acme', filePath, fileName: 'big.txt' }), { kind: 'too-large', status: 413, retryable: false }, ['ignore rule']);
  });

  it('storage errors in remove-files → 207 with retryable failures', async () => {
    emu.setFaults({});
    const filePath = await files.write('s.txt', 's');
    const [document] = await client.uploadDocument({ orgSlug: 'acme', filePath, fileName: 's.txt' });
    assert.ok(document);
    emu.setFaults({ removeFailRate: 1 });
    const result = await client.removeFiles('acme', [document.docpath]);
    assert.equal(result.status, 207);
    assert.deepEqual(result.failed.map((f) => [f.docpath, f.retryable, f.notFound]), [[document.docpath, true, false]]);
  });

  it('server down → network error', async () => {
    emu.setFaults({ down: true });
    await rejectsRemote(client.verifyKey(), { kind: 'network', retryable: true });
    emu.setFaults({});
  });

  it('the key never reaches the request log or errors (dev key checked in helpers)', () => {
    assert.ok(!JSON.stringify(emu.requestLog).includes(DEV_KEY));
  });
});
