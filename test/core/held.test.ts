/** Held actions: one generic set over every guard's held arrays, named by a fingerprint; released once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heldActions, heldFingerprint, heldSet, releaseHeld } from '../../src/core/held.js';
import type { Plan, RemoveAction, UnembedAction } from '../../src/core/plan-types.js';
import { summarise } from '../../src/core/summary.js';

const remove = (docpath: string, relativePath?: string): RemoveAction => ({ kind: 'remove', docpath, reason: 'deleted', ...(relativePath ? { relativePath } : {}) });
const plan = (blocked: RemoveAction[], guard: Plan['guards'][number]['guard'] = 'max-delete', extra: Record<string, unknown> = {}): Plan => ({
  actions: [{ kind: 'upload', relativePath: 'new.txt', sha256: 'a'.repeat(64), size: 3, mtimeMs: 1 }],
  blockedRemoves: blocked,
  blockedUnembeds: [],
  skipped: [],
  guards: [{ guard, message: 'deletes blocked', hint: 'check' }],
  summary: summarise([], blocked.length, 0),
  ...extra,
});

test('held set: counts, fingerprint independent of order, different for a different or bigger set', () => {
  const a = heldSet(plan([remove('acme/f/a.json', 'a.txt'), remove('acme/f/b.json', 'b.txt')]));
  const reordered = heldSet(plan([remove('acme/f/b.json', 'b.txt'), remove('acme/f/a.json', 'a.txt')]));
  const bigger = heldSet(plan([remove('acme/f/a.json', 'a.txt'), remove('acme/f/b.json', 'b.txt'), remove('acme/f/c.json')]));
  const other = heldSet(plan([remove('acme/f/a.json', 'a.txt'), remove('acme/f/x.json', 'b.txt')]));
  assert.equal(a.count, 2);
  assert.equal(a.removes, 2);
  assert.equal(a.fingerprint, reordered.fingerprint);
  assert.notEqual(a.fingerprint, bigger.fingerprint);
  assert.notEqual(a.fingerprint, other.fingerprint, 'same paths, other documents: another set');
  assert.equal(a.approvable, true);
  assert.deepEqual(a.sample.map((action) => action.relativePath), ['a.txt', 'b.txt']);
});

test('held set: a guard that holds un-embeds beside blockedRemoves is covered without naming it', () => {
  const unembed: UnembedAction = { kind: 'unembed', workspaceSlug: 'sales', docpaths: ['acme/f/a.json', 'acme/f/b.json'] };
  const held = heldSet(plan([remove('acme/f/c.json')], 'max-delete', { heldUnembeds: [unembed] }));
  assert.equal(held.count, 3);
  assert.equal(held.unembeds, 2);
  assert.notEqual(held.fingerprint, heldFingerprint([{ kind: 'remove', docpath: 'acme/f/c.json' }]));
  assert.deepEqual(heldActions(plan([], 'max-delete', { blockedUnembeds: [unembed] })).map((action) => `${action.kind}:${action.workspaceSlug}:${action.docpath}`),
    ['unembed:sales:acme/f/a.json', 'unembed:sales:acme/f/b.json']);
});

test('held set: a missing or unreadable root cannot be approved', () => {
  for (const guard of ['root-missing', 'root-not-directory', 'root-unreadable', 'local-read-errors'] as const) {
    assert.equal(heldSet(plan([remove('acme/f/a.json')], guard)).approvable, false, guard);
  }
  assert.equal(heldSet(plan([remove('acme/f/a.json')], 'root-empty')).approvable, true);
});

test('release: the held actions join the plan once, guards and held arrays emptied, summary recounted', () => {
  const unembed: UnembedAction = { kind: 'unembed', workspaceSlug: 'sales', docpaths: ['acme/f/z.json'] };
  const released = releaseHeld(plan([remove('acme/f/a.json'), remove('acme/f/b.json')], 'max-delete', { heldUnembeds: [unembed] }));
  assert.deepEqual(released.actions.map((action) => action.kind), ['upload', 'remove', 'remove', 'unembed']);
  assert.deepEqual(released.blockedRemoves, []);
  assert.deepEqual((released as unknown as { heldUnembeds: unknown[] }).heldUnembeds, []);
  assert.deepEqual(released.guards, []);
  assert.equal(released.summary.removes, 2);
  assert.equal(released.summary.unembeds, 1);
  assert.equal(released.summary.blockedRemoves, 0);
  assert.equal(heldSet(released).count, 0);
});
