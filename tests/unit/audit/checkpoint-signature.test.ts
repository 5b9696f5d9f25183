import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CheckpointSigner, checkpointPayload, publicKeyId, verifyCheckpointSignature } from '../../../src/audit/checkpoint-signature.js';

function newSigner(): CheckpointSigner {
  return CheckpointSigner.fromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

const HEAD = 'a'.repeat(64);

describe('CheckpointSigner', () => {
  describe('sign', () => {
    it('should sign seq, head hash, time and key id so that the public key verifies it', () => {
      const signer = newSigner();
      const checkpoint = signer.sign(42, HEAD, new Date('2026-03-01T00:00:00.123Z'));
      expect(checkpoint).toMatchObject({ seq: 42, headHash: HEAD, signedAt: '2026-03-01T00:00:00.123Z', keyId: signer.keyId });
      expect(Buffer.from(checkpoint.signature, 'base64')).toHaveLength(64);
      expect(verifyCheckpointSignature(checkpoint, signer.publicKeyPem)).toBe(true);
    });

    it('should sign the RFC 8785 form of the four fields', () => {
      const checkpoint = newSigner().sign(7, HEAD, new Date('2026-03-01T00:00:00Z'));
      expect(checkpointPayload(checkpoint).toString()).toBe(`{"headHash":"${HEAD}","keyId":"${checkpoint.keyId}","seq":7,"signedAt":"2026-03-01T00:00:00.000Z"}`);
    });

    it('should refuse a key that is not Ed25519', () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      expect(() => CheckpointSigner.fromPem(rsa)).toThrow(/Ed25519/);
    });
  });

  describe('verifyCheckpointSignature', () => {
    const signer = newSigner();
    const checkpoint = signer.sign(1000, HEAD);

    it.each([
      ['another seq', { seq: 999 }],
      ['another head hash', { headHash: 'b'.repeat(64) }],
      ['another time', { signedAt: '2020-01-01T00:00:00.000Z' }],
      ['a forged signature', { signature: Buffer.alloc(64, 1).toString('base64') }],
      ['a truncated signature', { signature: checkpoint.signature.slice(0, 20) }],
    ])('should reject a checkpoint with %s', (_what, change) => {
      expect(verifyCheckpointSignature({ ...checkpoint, ...change }, signer.publicKeyPem)).toBe(false);
    });

    it('should reject a checkpoint signed by another key, even one that names itself honestly', () => {
      const other = newSigner();
      expect(verifyCheckpointSignature(other.sign(1000, HEAD), signer.publicKeyPem)).toBe(false);
      expect(verifyCheckpointSignature({ ...other.sign(1000, HEAD), keyId: signer.keyId }, signer.publicKeyPem)).toBe(false);
    });

    it('should reject anything for a public key that is not one', () => {
      expect(verifyCheckpointSignature(checkpoint, 'not a key')).toBe(false);
    });
  });

  describe('publicKeyId', () => {
    it('should be the sha256 of the raw public key, the same from the private key or the PEM', () => {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
      const expected = createHash('sha256').update(raw).digest('hex');
      expect(publicKeyId(privateKey)).toBe(expected);
      expect(publicKeyId(publicKey.export({ type: 'spki', format: 'pem' }).toString())).toBe(expected);
    });
  });
});
