/**
 * Row 10's floor: the least client work that reads the listing a verified pass reads. A child
 * process (like the measured CLI) that fetches the folder's pages (1,000 documents each, two in
 * flight, as lumensync asks them) and, meanwhile, the workspace answer with undici, and gives each whole
 * answer to one `JSON.parse`, keeping nothing; no scan, journal, plan, docpath checks or
 * streaming. Its time is what reading these bytes costs Node on this machine before lumensync
 * does anything with them; its CPU, with the no-op's and the emulator's, says what the pass
 * needs of the machine's cores.
 *
 * With `--receive-only <documents>` the answers are received and dropped unparsed (the folder's
 * document count is given, to know its pages): what the bytes cost before any parsing.
 *
 * Usage: node listing-floor.js <API base URL> <org> <folder> <workspace> [--receive-only <documents>]
 * (key and account from LUMENONE_API_KEY / LUMENONE_ACCOUNT_ID). Prints one JSON line.
 */
import { request } from 'undici';
import { toHexSlug } from '../../src/api/slugs.js';

const PAGE_SIZE = 1000;
const IN_FLIGHT = 2;

async function main(): Promise<void> {
  const started = performance.now();
  const [base, org, folder, workspace, mode, given] = process.argv.slice(2);
  const receiveOnly = mode === '--receive-only';
  if (base === undefined || org === undefined || folder === undefined || workspace === undefined) throw new Error('usage: listing-floor <url> <org> <folder> <workspace>');
  const headers = { authorization: `Bearer ${process.env.LUMENONE_API_KEY ?? ''}`, 'x-account-id': process.env.LUMENONE_ACCOUNT_ID ?? '', accept: 'application/json' };
  let bytes = 0;
  let documents = 0;
  const fetchJson = async (path: string): Promise<Record<string, unknown>> => {
    const response = await request(`${base.replace(/\/$/, '')}/api/v1${path}`, { headers });
    const chunks: Buffer[] = [];
    for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
    if (response.statusCode !== 200) throw new Error(`${path}: HTTP ${response.statusCode}`);
    bytes += chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    if (receiveOnly) return {};
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  };
  const page = async (offset: number): Promise<number> => {
    const answer = await fetchJson(`/org/${toHexSlug(org)}/documents/folder/${encodeURIComponent(folder)}?offset=${offset}&limit=${PAGE_SIZE}`);
    if (receiveOnly) return Number(given);
    documents += (answer.documents as unknown[]).length;
    return Number(answer.totalCount);
  };
  const workspaceAnswer = fetchJson(`/workspace/${toHexSlug(workspace)}`).then((answer) => {
    if (receiveOnly) return;
    const held = answer.workspace as Array<{ documents: unknown[] }> | { documents: unknown[] };
    documents += (Array.isArray(held) ? held[0]!.documents : held.documents).length;
  });
  const total = await page(0);
  const offsets: number[] = [];
  for (let offset = PAGE_SIZE; offset < total; offset += PAGE_SIZE) offsets.push(offset);
  const pages = async (): Promise<void> => {
    for (let offset = offsets.shift(); offset !== undefined; offset = offsets.shift()) await page(offset);
  };
  await Promise.all([...Array.from({ length: IN_FLIGHT }, pages), workspaceAnswer]);
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ bytes, documents, listMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
