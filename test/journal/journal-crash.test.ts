/** kill -9 at arbitrary instants (mid-append, mid-compaction): the journal must load and hold a prefix of what was acknowledged. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Journal } from '../../src/journal/journal.js';
import { runChild } from './child.js';

const tempDirs: string[] = [];
after(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

/**
 * The writer: for i = 0, 1, 2…: begin an intent, put `r<round>/f<i>`, end the intent, set
 * meta.lastReconcileAt = i, then print `i` (acknowledged). Optionally awaits compact() every
 * `compactEveryIterations` iterations while the loop keeps going.
 */
function writerScript(stateDir: string, round: number, options: { compactEvery: number; compactEveryIterations?: number }): string {
  return `
    import { Journal } from 'JOURNAL';
    const journal = await Journal.open({ stateDir: ${JSON.stringify(stateDir)}, compactEvery: ${options.compactEvery} });
    process.stdout.write('open ' + journal.size + '\\n');
    for (let i = 0; ; i += 1) {
      const intent = journal.beginIntent({ op: 'upload', relativePaths: ['r${round}/f' + i], docpaths: [] });
      journal.put({ relativePath: 'r${round}/f' + i, docpath: 'doc/r${round}/f' + i, sha256: 'a'.repeat(64), size: i, mtimeMs: i });
      journal.endIntent(intent.id, 'done');
      journal.setMeta({ lastReconcileAt: i, workspaces: ['w${round}'] });
      process.stdout.write(i + '\\n');
      ${options.compactEveryIterations === undefined ? '' : `if (i % ${options.compactEveryIterations} === 0) { journal.compact(); }`}
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  `;
}

/** Check that round `round` left exactly f0..f(k-1) with k >= acknowledged, and the meta/intents that go with that prefix. */
function assertPrefix(journal: Journal, round: number, acknowledged: number): number {
  const indexes = [...journal.entries()]
    .filter((e) => e.relativePath.startsWith(`r${round}/`))
    .map((e) => Number(e.relativePath.slice(`r${round}/f`.length)))
    .sort((a, b) => a - b);
  const kept = indexes.length;
  assert.deepEqual(indexes, Array.from({ length: kept }, (_, i) => i), `round ${round}: a gap-free prefix`);
  assert.ok(kept >= acknowledged, `round ${round}: ${kept} entries kept, ${acknowledged} acknowledged`);
  for (const i of indexes) assert.equal(journal.get(`r${round}/f${i}`)?.size, i);
  const lastReconcileAt = journal.meta().lastReconcileAt ?? -1;
  // Iteration k-1 may have been killed after its put but before its setMeta.
  assert.ok(lastReconcileAt === kept - 1 || lastReconcileAt === kept - 2, `round ${round}: meta ${lastReconcileAt} vs ${kept} entries`);
  // Earlier rounds may have left their own killed iteration's intent open: that is the point of intents.
  const open = journal.openIntents().filter((intent) => intent.relativePaths[0]?.startsWith(`r${round}/`));
  assert.ok(open.length <= 1, `at most the intent of the killed iteration is open, got ${open.length}`);
  if (open.length === 1) assert.ok(open[0]!.relativePaths[0] === `r${round}/f${kept}` || open[0]!.relativePaths[0] === `r${round}/f${kept - 1}`);
  return kept;
}

async function killAfterAcks(stateDir: string, round: number, acks: number, options: { compactEvery: number; compactEveryIterations?: number }): Promise<number> {
  const child = runChild(writerScript(stateDir, round, options));
  try {
    await child.waitForLine((line) => Number(line) >= acks, 15_000);
  } finally {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  const acknowledged = child.lines.filter((line) => /^\d+$/.test(line)).length;
  assert.ok(acknowledged >= acks);
  return acknowledged;
}

const scenarios: { label: string; rounds: number[]; options: { compactEvery: number; compactEveryIterations?: number } }[] = [
  { label: 'appending in a loop (no compaction)', rounds: [37, 211, 500], options: { compactEvery: 1_000_000 } },
  { label: 'with automatic compaction every 40 records', rounds: [90, 333, 777], options: { compactEvery: 40 } },
  { label: 'with explicit compaction racing the appends', rounds: [120, 450, 901], options: { compactEvery: 1_000_000, compactEveryIterations: 25 } },
];

describe('Journal survives SIGKILL', () => {
  for (const { label, rounds, options } of scenarios) {
    it(label, async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'lumensync-'));
      tempDirs.push(dir);
      const stateDir = path.join(dir, 'state');
      const keptPerRound: number[] = [];
      for (const [round, acks] of rounds.entries()) {
        // Each round reopens after the previous kill: stale lock taken over, torn tail repaired.
        const acknowledged = await killAfterAcks(stateDir, round, acks, options);
        const journal = await Journal.open({ stateDir, readOnly: true });
        keptPerRound.push(assertPrefix(journal, round, acknowledged));
        for (const [earlier, kept] of keptPerRound.entries()) {
          assert.equal([...journal.entries()].filter((e) => e.relativePath.startsWith(`r${earlier}/`)).length, kept, `round ${earlier} intact`);
        }
        assert.equal(journal.size, keptPerRound.reduce((sum, kept) => sum + kept, 0));
        await journal.close();
      }
      // A writer can open it too, and it loads cleanly after its own repair.
      const writer = await Journal.open({ stateDir });
      assert.equal(writer.size, keptPerRound.reduce((sum, kept) => sum + kept, 0));
      await writer.close();
    });
  }
});
