import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeIfHexSlug, fromHexSlug, isHexSlugShape, toHexSlug } from '../../src/api/slugs.js';

describe('slugs', () => {
  const pairs: { label: string; original: string; hex: string }[] = [
    { label: 'contract example acme', original: 'acme', hex: '61636d65' },
    { label: 'workspace with dash', original: 'support-bot', hex: '737570706f72742d626f74' },
    { label: 'digits', original: 'ventas-2024', hex: '76656e7461732d32303234' },
    { label: 'non-ASCII niño (UTF-8, two bytes for ñ)', original: 'niño', hex: '6e69c3b16f' },
  ];
  for (const { label, original, hex } of pairs) {
    it(`round-trips: ${label}`, () => {
      assert.equal(toHexSlug(original), hex);
      assert.equal(fromHexSlug(hex), original);
      assert.equal(decodeIfHexSlug(hex), original);
      assert.equal(isHexSlugShape(hex), true);
    });
  }

  const notHex: { label: string; value: string }[] = [
    { label: 'raw slug with non-hex letters', value: 'acme' },
    { label: 'odd length', value: '61636d6' },
    { label: 'uppercase hex', value: '61636D65' },
    { label: 'empty', value: '' },
  ];
  for (const { label, value } of notHex) {
    it(`fromHexSlug rejects ${label}`, () => {
      assert.throws(() => fromHexSlug(value));
      assert.equal(decodeIfHexSlug(value), undefined);
    });
  }

  const undecodable: { label: string; value: string }[] = [
    { label: 'invalid UTF-8 (cafe)', value: 'cafe' },
    { label: 'control character', value: '0061' },
    { label: 'contains a slash', value: '612f62' },
  ];
  for (const { label, value } of undecodable) {
    it(`decodeIfHexSlug returns undefined for ${label}`, () => {
      assert.equal(decodeIfHexSlug(value), undefined);
    });
  }
});
