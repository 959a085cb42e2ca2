import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NOT_REPORTED_REASON, UNKNOWN_REASON, classifyFailureReason, parseBatchResult } from '../../src/api/multistatus.js';
import type { BatchResult } from '../../src/api/types.js';

const A = 'acme/custom-documents/a.json';
const B = 'acme/custom-documents/b.json';
const C = 'acme/custom-documents/c.json';

describe('parseBatchResult', () => {
  const cases: { label: string; status: number; body: unknown; requested: string[]; expected: BatchResult }[] = [
    {
      label: 'emulator 200: all purged',
      status: 200,
      body: { success: true, message: null, purged: [A, B], failed: [] },
      requested: [A, B],
      expected: { status: 200, partial: false, purged: [A, B], failed: [], message: undefined },
    },
    {
      label: 'emulator 207: one purged, one not found',
      status: 207,
      body: { success: false, message: '1 of 2 documents could not be removed', purged: [A], failed: [{ docpath: B, reason: 'Document not found' }] },
      requested: [A, B],
      expected: { status: 207, partial: true, purged: [A], failed: [{ docpath: B, reason: 'Document not found', notFound: true, retryable: false }], message: '1 of 2 documents could not be removed' },
    },
    {
      label: '207 with empty purged (all failed, storage error retryable)',
      status: 207,
      body: { purged: [], failed: [{ docpath: A, reason: 'storage error (injected)' }] },
      requested: [A],
      expected: { status: 207, partial: true, purged: [], failed: [{ docpath: A, reason: 'storage error (injected)', notFound: false, retryable: true }], message: undefined },
    },
    {
      label: 'failed entry as a bare string',
      status: 207,
      body: { purged: [A], failed: [B] },
      requested: [A, B],
      expected: { status: 207, partial: true, purged: [A], failed: [{ docpath: B, reason: UNKNOWN_REASON, notFound: false, retryable: true }], message: undefined },
    },
    {
      label: 'path under file / reason under error',
      status: 207,
      body: { purged: [], failed: [{ file: A, error: 'File not found' }] },
      requested: [A],
      expected: { status: 207, partial: true, purged: [], failed: [{ docpath: A, reason: 'File not found', notFound: true, retryable: false }], message: undefined },
    },
    {
      label: 'path under path / reason under message',
      status: 207,
      body: { failed: [{ path: A, message: 'timeout writing index' }], purged: [B] },
      requested: [A, B],
      expected: { status: 207, partial: true, purged: [B], failed: [{ docpath: A, reason: 'timeout writing index', notFound: false, retryable: true }], message: undefined },
    },
    {
      label: 'path under name, two-segment → prefixed',
      status: 207,
      body: { failed: [{ name: 'custom-documents/c.json', reason: 'NOT FOUND' }], purged: [] },
      requested: [C],
      expected: { status: 207, partial: true, purged: [], failed: [{ docpath: C, reason: 'NOT FOUND', notFound: true, retryable: false }], message: undefined },
    },
    {
      label: 'move entry {from, to} with refusal',
      status: 207,
      body: { failed: [{ from: A, to: 'acme/x/a.json', reason: 'Document is embedded in a workspace' }], moved: [{ from: B, to: 'acme/x/b.json' }] },
      requested: [A, B],
      expected: { status: 207, partial: true, purged: [B], failed: [{ docpath: A, reason: 'Document is embedded in a workspace', notFound: false, retryable: false }], message: undefined },
    },
    {
      label: '200 without purged → all requested purged',
      status: 200,
      body: { success: true, message: null },
      requested: [A, B],
      expected: { status: 200, partial: false, purged: [A, B], failed: [], message: undefined },
    },
    {
      label: '200 empty body → all requested purged',
      status: 200,
      body: undefined,
      requested: [A],
      expected: { status: 200, partial: false, purged: [A], failed: [], message: undefined },
    },
    {
      label: '200 with non-empty failed is partial',
      status: 200,
      body: { purged: [A], failed: [{ docpath: B, reason: 'Document not found' }] },
      requested: [A, B],
      expected: { status: 200, partial: true, purged: [A], failed: [{ docpath: B, reason: 'Document not found', notFound: true, retryable: false }], message: undefined },
    },
    {
      label: '200 with failed but no purged → rest purged',
      status: 200,
      body: { failed: [{ docpath: B, reason: 'Document not found' }] },
      requested: [A, B],
      expected: { status: 200, partial: true, purged: [A], failed: [{ docpath: B, reason: 'Document not found', notFound: true, retryable: false }], message: undefined },
    },
    {
      label: '207 without failed → requested − purged failed',
      status: 207,
      body: { purged: [A], message: 'partial' },
      requested: [A, B, C],
      expected: {
        status: 207,
        partial: true,
        purged: [A],
        failed: [
          { docpath: B, reason: NOT_REPORTED_REASON, notFound: false, retryable: true },
          { docpath: C, reason: NOT_REPORTED_REASON, notFound: false, retryable: true },
        ],
        message: 'partial',
      },
    },
    {
      label: '207 with neither key → everything failed',
      status: 207,
      body: { success: false },
      requested: [A],
      expected: { status: 207, partial: true, purged: [], failed: [{ docpath: A, reason: NOT_REPORTED_REASON, notFound: false, retryable: true }], message: undefined },
    },
    {
      label: 'U11: 500 with a failed list, no purged → per-entry result, the rest not reported',
      status: 500,
      body: { success: false, message: 'all failed', failed: [{ docpath: A, reason: 'Document not found' }] },
      requested: [A, B],
      expected: {
        status: 500,
        partial: true,
        purged: [],
        failed: [{ docpath: A, reason: 'Document not found', notFound: true, retryable: false }, { docpath: B, reason: NOT_REPORTED_REASON, notFound: false, retryable: true }],
        message: 'all failed',
      },
    },
    {
      label: '207 with both lists: an entry in neither is not known to be purged',
      status: 207,
      body: { purged: [A], failed: [{ docpath: B, reason: 'Document not found' }] },
      requested: [A, B, C],
      expected: {
        status: 207,
        partial: true,
        purged: [A],
        failed: [{ docpath: B, reason: 'Document not found', notFound: true, retryable: false }, { docpath: C, reason: NOT_REPORTED_REASON, notFound: false, retryable: true }],
        message: undefined,
      },
    },
    {
      label: 'error key used as message',
      status: 200,
      body: { purged: [A], failed: [], error: 'note' },
      requested: [A],
      expected: { status: 200, partial: false, purged: [A], failed: [], message: 'note' },
    },
  ];
  for (const { label, status, body, requested, expected } of cases) {
    it(label, () => assert.deepEqual(parseBatchResult(status, body, 'acme', requested), expected));
  }
});

describe('classifyFailureReason', () => {
  const cases: { label: string; reason: string; notFound: boolean; retryable: boolean }[] = [
    { label: 'not found', reason: 'Document not found', notFound: true, retryable: false },
    { label: 'does not exist', reason: 'File does not exist', notFound: true, retryable: false },
    { label: 'storage error', reason: 'storage error (injected)', notFound: false, retryable: true },
    { label: 'EBUSY', reason: 'EBUSY: resource busy or locked', notFound: false, retryable: true },
    { label: 'cross-org refusal', reason: 'docpath does not belong to this organization', notFound: false, retryable: false },
    { label: 'invalid docpath', reason: 'Invalid docpath', notFound: false, retryable: false },
    { label: 'embedded refusal', reason: '1/3 files not moved. Unembed them from all workspaces.', notFound: false, retryable: false },
    { label: 'unknown reason', reason: UNKNOWN_REASON, notFound: false, retryable: true },
  ];
  for (const { label, reason, notFound, retryable } of cases) {
    it(label, () => assert.deepEqual(classifyFailureReason(reason), { notFound, retryable }));
  }
});
