import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, eventHash, type HashedFields } from '../../../src/audit/audit-chain.js';
import { canonicalJson } from '../../../src/canonical-json.js';

/**
 * The hub's canonical JSON is RFC 8785. The audit chain was hashed with a hand-written sorted-keys JSON before; the
 * stored hashes keep verifying only if both render every event the hub records identically, which is proved here.
 */

/** The audit chain's canonical JSON before RFC 8785 (audit-chain.ts until this change), kept verbatim as the oracle. */
function legacyCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(legacyCanonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${legacyCanonicalJson(v)}`).join(',')}}`;
}

/** A small deterministic PRNG, so a failure names a reproducible case. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AWKWARD_STRINGS = ['', 'plain', 'quote " and \\ backslash', 'tab\tnew\nline\r', '\u0000\u001f\u007f', 'é ö € ✓', '😀 emoji', '\u2028\u2029', '</script>', '2024-03-01T12:34:56.789Z', 'דּ Hebrew'];
const AWKWARD_NUMBERS = [0, -0, 1, -1, 42, 2 ** 31, 2 ** 53 - 1, -(2 ** 53) + 1, 1e21, 1e-7, 0.1, 1 / 3, 4.5, 333333333.33333329, 5e-324, 1.7976931348623157e308, 1e30, -1e-30, 123456789012];

/** An arbitrary value of the shapes an audit event holds once jsonb has round-tripped it. */
function jsonValue(random: () => number, depth: number): unknown {
  const pick = random();
  if (depth <= 0 || pick < 0.45) {
    const scalar = random();
    if (scalar < 0.35) return AWKWARD_STRINGS[Math.floor(random() * AWKWARD_STRINGS.length)];
    if (scalar < 0.7) return AWKWARD_NUMBERS[Math.floor(random() * AWKWARD_NUMBERS.length)];
    if (scalar < 0.8) return null;
    return random() < 0.5;
  }
  if (pick < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => jsonValue(random, depth - 1));
  const object: Record<string, unknown> = {};
  const keys = ['b', 'a', 'A', '_', '1', '10', '2', 'é', '€', '😀', 'דּ', '\r', 'riskTier', 'approverId', 'from', 'to'];
  for (let i = Math.floor(random() * 6); i > 0; i--) object[keys[Math.floor(random() * keys.length)]] = jsonValue(random, depth - 1);
  return object;
}

describe('canonicalJson', () => {
  describe('RFC 8785 vectors', () => {
    it('should format numbers as ECMAScript does (§3.2.2.3)', () => {
      expect(canonicalJson([1e21, -0, 0, 1e-7, 0.000001, 333333333.33333329, 1e30, 4.5, 2e-3, 1e-27, 5e-324, 9007199254740991])).toBe(
        '[1e+21,0,0,1e-7,0.000001,333333333.3333333,1e+30,4.5,0.002,1e-27,5e-324,9007199254740991]',
      );
    });

    it('should escape strings minimally with lower-case \\u escapes (§3.2.2.2)', () => {
      const input = { numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001], string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/', literals: [null, true, false] };
      expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
    });

    it('should sort keys by UTF-16 code units, not code points (§3.2.3)', () => {
      const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
      expect(canonicalJson(input)).toBe(
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","דּ":"Hebrew Letter Dalet With Dagesh"}',
      );
    });
  });

  describe('values RFC 8785 refuses', () => {
    it('should render them as the database stores them: non-finite numbers null, lone surrogates U+FFFD', () => {
      expect(canonicalJson({ a: Number.NaN, b: [Infinity, -Infinity] })).toBe('{"a":null,"b":[null,null]}');
      expect(canonicalJson({ ['k\ud800']: 'x\udc00y' })).toBe('{"k\ufffd":"x\ufffdy"}');
    });

    it('should render undefined as null at the top and drop undefined members', () => {
      expect(canonicalJson(undefined)).toBe('null');
      expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    });
  });

  describe('against the audit chain’s former sorted-keys JSON', () => {
    it('should render 5 000 generated event shapes byte for byte as before', () => {
      const random = prng(17);
      for (let i = 0; i < 5_000; i++) {
        const value = jsonValue(random, 4);
        expect(canonicalJson(value), `case ${i}: ${JSON.stringify(value)}`).toBe(legacyCanonicalJson(value));
      }
    });

    it('should give the same event hash for a recorded event of every field kind', () => {
      const event: HashedFields = {
        seq: 123456,
        at: new Date('2026-03-01T12:34:56.789Z'),
        actorId: 'person:0190f3a4-7b7e-7cc1-9a35-3f0e2a1b9c8d',
        actorRoles: ['VALIDATOR', 'RISK_OFFICER'],
        action: 'change_request.approved',
        entityKind: 'change_request',
        entityId: '0190f3a4-7b7e-7cc1-9a35-3f0e2a1b9c8e',
        before: { status: 'PENDING', approvals: [], score: 0.87, count: 3, big: 2 ** 53 - 1, tiny: 1e-7, huge: 1e21, note: null },
        after: { status: 'APPLIED', approvals: [{ approverId: 'p2', at: '2026-03-01T12:34:56.789Z', comment: 'ok ✓ "quoted"' }], nested: { z: { y: [1, 'two', null, true] } } },
        requestId: null,
      };
      expect(eventHash(GENESIS_HASH, event)).toBe(LEGACY_HASH);
    });
  });
});

/** eventHash of the event above, computed with the former implementation (commit 3480688) before this change. */
const LEGACY_HASH = 'cc2f99e78cbe85de6318988b638c378ec4d587b4c54215ce065b7ce9cbcd1548';
