import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { envReferenceName, resolveStoredSecret, SecretBox, SecretUnavailableError, storeSecret } from '../../../src/auth/secret-box.js';

const SECRET = { token: 'tok-Distinctive-8f3a' };
const SOURCE = '5b0c3e1e-8a57-4a53-9a0c-1c2d3e4f5a6b';

function failure(fn: () => unknown): SecretUnavailableError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretUnavailableError);
    return error as SecretUnavailableError;
  }
  throw new Error('expected a SecretUnavailableError');
}

describe('SecretBox', () => {
  const key = randomBytes(32);

  describe('seal / open', () => {
    it('should round-trip a secret object without the plaintext appearing in the stored form', () => {
      const box = new SecretBox(key);
      const stored = box.seal(SECRET, SOURCE);
      expect(stored).toMatch(new RegExp(`^v1:${box.currentKeyId}:[^:]+:[^:]+:[^:]+$`));
      expect(stored).not.toContain('Distinctive');
      expect(box.open(stored, SOURCE)).toEqual(SECRET);
    });

    it('should produce a different ciphertext each time (fresh IV)', () => {
      const box = new SecretBox(key);
      expect(box.seal(SECRET, SOURCE)).not.toBe(box.seal(SECRET, SOURCE));
    });

    it('should refuse a tampered ciphertext with a clear error that does not contain the secret', () => {
      const box = new SecretBox(key);
      const parts = box.seal(SECRET, SOURCE).split(':');
      const ct = Buffer.from(parts[4], 'base64');
      ct[0] ^= 1;
      parts[4] = ct.toString('base64');
      const error = failure(() => box.open(parts.join(':'), SOURCE));
      expect(error.reason).toBe('tampered');
      expect(error.message).toMatch(/integrity check/);
      expect(error.message).not.toContain('Distinctive');
    });

    it('should refuse a blob copied onto another source', () => {
      const box = new SecretBox(key);
      const stored = box.seal(SECRET, SOURCE);
      expect(failure(() => box.open(stored, '00000000-0000-4000-8000-000000000000')).reason).toBe('tampered');
    });

    it('should name both key ids when the blob was sealed under a key it does not hold', () => {
      const other = new SecretBox(randomBytes(32));
      const stored = other.seal(SECRET, SOURCE);
      const box = new SecretBox(key);
      const error = failure(() => box.open(stored, SOURCE));
      expect(error.reason).toBe('unknown-key');
      expect(error.message).toContain(other.currentKeyId);
      expect(error.message).toContain(box.currentKeyId);
    });

    it('should refuse a stored value in an unknown format', () => {
      expect(failure(() => new SecretBox(key).open('v2:abc', SOURCE)).reason).toBe('malformed');
    });
  });

  describe('rotation', () => {
    it('should open secrets under the previous key and seal new ones under the current key', () => {
      const oldKey = randomBytes(32);
      const stored = new SecretBox(oldKey).seal(SECRET, SOURCE);
      const rotated = new SecretBox(key, oldKey);
      expect(rotated.isUnderPreviousKey(stored)).toBe(true);
      expect(rotated.open(stored, SOURCE)).toEqual(SECRET);
      const resealed = rotated.seal(SECRET, SOURCE);
      expect(rotated.isUnderPreviousKey(resealed)).toBe(false);
      expect(new SecretBox(key).open(resealed, SOURCE)).toEqual(SECRET);
    });
  });
});

describe('storeSecret / resolveStoredSecret', () => {
  const box = new SecretBox(randomBytes(32));

  it('should store env references as the reference and read the variable at use time', () => {
    expect(storeSecret(box, 'env:MLFLOW_SECRET', SOURCE)).toBe('env:MLFLOW_SECRET');
    expect(storeSecret(box, { $env: 'MLFLOW_SECRET' }, SOURCE)).toBe('env:MLFLOW_SECRET');
    expect(resolveStoredSecret(box, 'env:MLFLOW_SECRET', SOURCE, { MLFLOW_SECRET: JSON.stringify(SECRET) })).toEqual(SECRET);
  });

  it('should fail clearly at use when the referenced variable is missing or not a JSON object', () => {
    const missing = failure(() => resolveStoredSecret(box, 'env:MLFLOW_SECRET', SOURCE, {}));
    expect(missing.reason).toBe('env-missing');
    expect(missing.message).toContain('MLFLOW_SECRET');
    const invalid = failure(() => resolveStoredSecret(box, 'env:MLFLOW_SECRET', SOURCE, { MLFLOW_SECRET: 'plain-Distinctive' }));
    expect(invalid.reason).toBe('env-invalid');
    expect(invalid.message).not.toContain('Distinctive');
  });

  it('should refuse a literal secret when no key is configured, and accept a reference', () => {
    expect(failure(() => storeSecret(null, SECRET, SOURCE)).reason).toBe('no-key');
    expect(storeSecret(null, 'env:X', SOURCE)).toBe('env:X');
  });

  it('should refuse malformed references', () => {
    expect(() => envReferenceName('env:bad-name')).toThrow(SecretUnavailableError);
    expect(() => envReferenceName({ $env: 'A', token: 'x' })).toThrow(SecretUnavailableError);
    expect(envReferenceName({ token: 'x' })).toBeNull();
  });
});
