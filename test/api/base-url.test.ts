import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseApiBaseUrl } from '../../src/api/base-url.js';
import { LumenSyncError } from '../../src/errors.js';

describe('normaliseApiBaseUrl', () => {
  const cases: { label: string; host: string; expected: string }[] = [
    { label: 'bare host', host: 'http://127.0.0.1:8787', expected: 'http://127.0.0.1:8787/api' },
    { label: 'trailing slash', host: 'http://127.0.0.1:8787/', expected: 'http://127.0.0.1:8787/api' },
    { label: '/api', host: 'https://lumen.example.com/api', expected: 'https://lumen.example.com/api' },
    { label: '/api/', host: 'https://lumen.example.com/api/', expected: 'https://lumen.example.com/api' },
    { label: '/api/v1', host: 'https://lumen.example.com/api/v1', expected: 'https://lumen.example.com/api' },
    { label: '/api/v1/', host: 'https://lumen.example.com/api/v1/', expected: 'https://lumen.example.com/api' },
    { label: 'proxy prefix kept', host: 'https://proxy.example.com/lumen/', expected: 'https://proxy.example.com/lumen/api' },
    { label: 'surrounding spaces', host: '  http://localhost:8787  ', expected: 'http://localhost:8787/api' },
    { label: 'query dropped', host: 'http://localhost:8787/?x=1', expected: 'http://localhost:8787/api' },
  ];
  for (const { label, host, expected } of cases) {
    it(label, () => assert.equal(normaliseApiBaseUrl(host), expected));
  }

  const invalid: { label: string; host: string; mustNotContain?: string }[] = [
    { label: 'not a URL', host: 'lumen.example.com' },
    { label: 'ftp scheme', host: 'ftp://lumen.example.com' },
    { label: 'credentials in URL (not echoed)', host: 'https://user:s3cret@lumen.example.com', mustNotContain: 's3cret' },
  ];
  for (const { label, host, mustNotContain } of invalid) {
    it(`rejects ${label}`, () => {
      assert.throws(
        () => normaliseApiBaseUrl(host),
        (error: unknown) => {
          assert.ok(error instanceof LumenSyncError);
          assert.equal(error.code, 'LUMENSYNC_CONFIG_INVALID');
          assert.ok(error.hint);
          if (mustNotContain !== undefined) assert.ok(!`${error.message} ${error.hint}`.includes(mustNotContain));
          return true;
        },
      );
    });
  }
});
