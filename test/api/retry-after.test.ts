import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../src/api/retry-after.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-10T09:30:00.000Z');
  const cases: { label: string; value: string | string[] | undefined; expected: number | undefined }[] = [
    { label: 'absent', value: undefined, expected: undefined },
    { label: 'empty', value: '', expected: undefined },
    { label: 'seconds', value: '5', expected: 5000 },
    { label: 'seconds with spaces', value: ' 2 ', expected: 2000 },
    { label: 'zero', value: '0', expected: 0 },
    { label: 'fractional seconds', value: '1.5', expected: 1500 },
    { label: 'negative clamps to 0', value: '-3', expected: 0 },
    { label: 'HTTP-date 30 s ahead', value: 'Fri, 10 Jan 2025 09:30:30 GMT', expected: 30_000 },
    { label: 'HTTP-date in the past clamps to 0', value: 'Fri, 10 Jan 2025 09:29:00 GMT', expected: 0 },
    { label: 'garbage', value: 'soon', expected: undefined },
    { label: 'garbage with digits', value: '5 seconds', expected: undefined },
    { label: 'huge value capped', value: '999999999', expected: MAX_RETRY_AFTER_MS },
    { label: 'array takes first', value: ['7', '9'], expected: 7000 },
  ];
  for (const { label, value, expected } of cases) {
    it(label, () => assert.equal(parseRetryAfter(value, now), expected));
  }
});
