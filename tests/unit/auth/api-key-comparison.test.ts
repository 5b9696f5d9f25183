import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Spy on the real comparison: the contract is that every verdict goes through it, on equal-length digests.
const spy = vi.hoisted(() => ({ calls: [] as Array<[Buffer, Buffer]> }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    spy.calls.push([Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)]);
    return actual.timingSafeEqual(a, b);
  };
  return { ...actual, default: { ...actual, timingSafeEqual }, timingSafeEqual };
});

const { generateApiKey, keyMatchesDigest } = await import('../../../src/auth/api-key.service.js');

const digestOf = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

describe('api-key.service', () => {
  describe('keyMatchesDigest', () => {
    const { key } = generateApiKey();
    const stored = digestOf(key);

    beforeEach(() => {
      spy.calls.length = 0;
    });

    it.each([
      ['the right key', key, stored, true],
      ['a key differing in its last character', `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`, stored, false],
      ['an unknown prefix (no stored digest)', key, null, false],
      ['a malformed stored digest', key, 'abcd', false],
      ['an empty presented key', '', stored, false],
      ['a 100 000-character presented key', 'k'.repeat(100_000), stored, false],
    ])('should judge %s with one timingSafeEqual over two 32-byte digests', (_case, presented, digest, expected) => {
      expect(keyMatchesDigest(presented, digest)).toBe(expected);
      expect(spy.calls).toHaveLength(1);
      const [a, b] = spy.calls[0];
      expect([a.length, b.length]).toEqual([32, 32]);
    });
  });
});
