/**
 * `npm run demo`: the whole product on one machine, no account needed. Starts the LumenOne
 * emulator in-process, mirrors a copy of config/sample-docs with the real `lumensync sync`
 * CLI, edits, renames and deletes files, syncs again, and prints what the server holds.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rename, rm, writeFile, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../emulator/server.js';
import { embeddingReport } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

const runCli = (args: string[], env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((resolve, reject) => {
    say(`\n$ lumensync ${args.join(' ')}`);
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'lumensync-demo-'));
  const folder = path.join(work, 'sample-docs');
  const stateDir = path.join(work, 'state');
  await cp(path.join(repoRoot, 'config', 'sample-docs'), folder, { recursive: true });
  const emulator = await startEmulator({ port: 0 });
  say(`LumenOne emulator listening on ${emulator.url} (seed: org acme, workspaces support-bot and sales)`);
  const env = { LUMENONE_HOST: emulator.url, LUMENONE_API_KEY: 'lumensync-dev-key', LUMENONE_ACCOUNT_ID: '11111111-2222-3333-4444-555555555555' };
  const syncArgs = ['sync', folder, '--org', 'acme', '--folder', 'handbook', '--workspace', 'support-bot', '--workspace', 'sales', '--state-dir', stateDir];
  const codes: number[] = [];
  try {
    say('\n1) First sync: every file becomes one document, embedded in both workspaces.');
    codes.push(await runCli(syncArgs, env));
    say('\n2) Second sync: nothing changed, so nothing is sent.');
    codes.push(await runCli(syncArgs, env));
    say('\n3) Edit one file, rename one, delete one, add one — then preview with --dry-run and sync.');
    await appendFile(path.join(folder, 'policies', 'expenses.txt'), 'Update: meals are capped at 40 EUR.\n');
    await rename(path.join(folder, 'policies', 'security.txt'), path.join(folder, 'policies', 'security-policy.txt'));
    await rm(path.join(folder, 'reports 2025', 'q3-summary.csv'));
    await writeFile(path.join(folder, 'handbook', 'faq.md'), '# FAQ\n\nQ: Who runs lumensync? A: pm2.\n');
    codes.push(await runCli([...syncArgs, '--dry-run'], env));
    codes.push(await runCli(syncArgs, env));
    say('\nWhat the server holds now (acme/handbook):');
    const documents = emulator.state.listDocuments('acme').filter((doc) => doc.folder === 'handbook');
    // Both workspaces are checked: the demo promises every document is embedded in each.
    const report = embeddingReport(documents, Object.fromEntries(['support-bot', 'sales'].map((workspace) => [workspace, new Set(emulator.state.workspaceDocpaths(workspace))])));
    for (const line of report.lines) say(line);
    if (report.incomplete > 0) {
      say(`demo: ${report.incomplete} document(s) missing from a workspace`);
      codes.push(1);
    }
    const uploads = emulator.requestLog.filter((entry) => entry.upload).length;
    say(`\n${documents.length} documents; ${uploads} uploads across the 4 runs (the no-op run, the dry run and the rename sent none).`);
    say('A renamed file keeps its document, so the server still shows its first title until its content changes.');
  } finally {
    await emulator.close();
    await rm(work, { recursive: true, force: true });
  }
  const failed = codes.filter((code) => code !== 0);
  if (failed.length > 0) {
    say(`demo: ${failed.length} run(s) exited non-zero (${codes.join(', ')})`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
