import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeFailure, hintFor, type HintContext, type RemoteCause } from '../../src/api/hints.js';

const context: HintContext = {
  method: 'GET',
  url: 'http://127.0.0.1:8787/api/v1/org/61636d65/documents',
  accountId: '11111111-2222-3333-4444-555555555555',
  orgSlug: 'acme',
  timestamp: '2025-01-10T09:30:00.000Z',
  status: 500,
  serverMessage: 'Internal Server Error',
};

describe('hints', () => {
  const cases: { cause: RemoteCause; hint: string[] }[] = [
    { cause: 'bad-key', hint: ['ask your LumenOne superadmin for a new key', 'LUMENONE_API_KEY'] },
    { cause: 'foreign-account', hint: ['LUMENONE_ACCOUNT_ID', 'company'] },
    { cause: 'wrong-slug-form', hint: ['original slug', '61636d65'] },
    { cause: 'cross-org', hint: ['"acme"', '--workspace'] },
    { cause: 'org-not-visible', hint: ['--org', 'LUMENONE_ACCOUNT_ID'] },
    { cause: 'too-large', hint: ['ignore rule', 'client_max_body_size'] },
    { cause: 'rate-limit', hint: ['Retry-After'] },
    { cause: 'server', hint: ['include this in a support ticket', context.url, context.timestamp, '11111111-2222-3333-4444-555555555555'] },
    { cause: 'tls', hint: ['CA', 'never disabled'] },
  ];
  for (const { cause, hint } of cases) {
    it(`hint for ${cause}`, () => {
      const text = hintFor(cause, context);
      for (const part of hint) assert.ok(text.includes(part), `${JSON.stringify(text)} lacks ${part}`);
    });
  }

  it('describeFailure is one sentence with status, server message and request', () => {
    const message = describeFailure('org-not-visible', { ...context, status: 404, serverMessage: 'Organization not found' });
    assert.equal(
      message,
      'Organization "acme" is not visible under account "11111111-2222-3333-4444-555555555555" (HTTP 404 "Organization not found" on GET http://127.0.0.1:8787/api/v1/org/61636d65/documents).',
    );
  });
});
