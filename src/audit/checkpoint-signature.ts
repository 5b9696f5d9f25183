import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';

/**
 * Ed25519 signatures over audit checkpoints. The private key lives with the hub process (environment or data folder),
 * never in the database, so whoever controls the database can neither forge a checkpoint nor re-sign a re-hashed chain.
 */

/** A checkpoint as signed and stored: "audit event `seq` had hash `headHash`", at `signedAt`, by key `keyId`. */
export interface SignedCheckpoint {
  seq: number;
  headHash: string;
  /** ISO 8601, millisecond precision (what both PostgreSQL and PGlite give back unchanged). */
  signedAt: string;
  /** sha256 hex of the raw 32-byte Ed25519 public key. */
  keyId: string;
  /** base64 Ed25519 signature over {@link checkpointPayload}. */
  signature: string;
}

export type UnsignedCheckpoint = Omit<SignedCheckpoint, 'signature'>;

/** What is signed: the RFC 8785 canonical JSON of the four fields, so any verifier can rebuild the exact bytes. */
export function checkpointPayload(checkpoint: UnsignedCheckpoint): Buffer {
  const { seq, headHash, signedAt, keyId } = checkpoint;
  return Buffer.from(canonicalJson({ seq, headHash, signedAt, keyId }), 'utf8');
}

/** The hub's signing key: the private key to sign with, its public key (PEM) to hand out, and its id. */
export class CheckpointSigner {
  readonly publicKeyPem: string;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the audit signing key must be an Ed25519 private key, not ${privateKey.asymmetricKeyType ?? privateKey.type}`);
    const publicKey = createPublicKey(privateKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = publicKeyId(publicKey);
  }

  static fromPem(pem: string): CheckpointSigner {
    return new CheckpointSigner(createPrivateKey({ key: pem, format: 'pem' }));
  }

  sign(seq: number, headHash: string, signedAt: Date = new Date()): SignedCheckpoint {
    const unsigned: UnsignedCheckpoint = { seq, headHash, signedAt: signedAt.toISOString(), keyId: this.keyId };
    return { ...unsigned, signature: sign(null, checkpointPayload(unsigned), this.privateKey).toString('base64') };
  }
}

/** sha256 hex of the raw public key (the 32 bytes of the JWK's `x`), stable across PEM/DER encodings. */
export function publicKeyId(key: KeyObject | string): string {
  const publicKey = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return createHash('sha256').update(raw).digest('hex');
}

/**
 * Whether the checkpoint was signed by the key whose public half is given (PEM): the key id must match the key
 * and the signature the fields. A checkpoint from another key is not "valid" here, however well-formed.
 */
export function verifyCheckpointSignature(checkpoint: SignedCheckpoint, publicKeyPem: string): boolean {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(publicKeyPem);
  } catch {
    return false;
  }
  if (publicKey.asymmetricKeyType !== 'ed25519' || publicKeyId(publicKey) !== checkpoint.keyId) return false;
  const signature = Buffer.from(checkpoint.signature, 'base64');
  if (signature.length !== 64) return false;
  return verify(null, checkpointPayload(checkpoint), publicKey, signature);
}
