import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointSigner } from '../audit/checkpoint-signature.js';
import type { HubConfig } from '../config.js';

/** File names in the data folder, for the embedded default's generated key (the public one is for verifiers). */
export const AUDIT_PRIVATE_KEY_FILE = 'audit-signing.pem';
export const AUDIT_PUBLIC_KEY_FILE = 'audit-signing.pub.pem';

/**
 * The key that signs audit checkpoints, which must live outside the database it vouches for.
 * - HUB_AUDIT_SIGNING_KEY: an Ed25519 private key as PEM text, or the path of a PEM file (a mounted secret).
 * - Otherwise, on the embedded default: generated once into the data folder (mode 0600) with its public key beside
 *   it, like the secret key (local-key.ts). Single-user, so the person who can read the key can also edit the data:
 *   it still catches accidents and lets copies of the checkpoints shipped elsewhere prove the history.
 * - Otherwise (PostgreSQL without a key): null, no checkpoints; the hub warns at start.
 */
export function loadAuditSigner(config: Readonly<HubConfig>): CheckpointSigner | null {
  const given = config.audit.signingKey;
  if (given) return CheckpointSigner.fromPem(readPemOrPath(given, 'HUB_AUDIT_SIGNING_KEY'));
  if (config.database.kind !== 'pglite') return null;
  return CheckpointSigner.fromPem(ensureLocalKeyPair(config.dataDir));
}

/** PEM text as it is, or the contents of the file it names. */
export function readPemOrPath(value: string, what: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new Error(`${what}: neither PEM text nor a readable file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function ensureLocalKeyPair(dataDir: string): string {
  const privatePath = join(dataDir, AUDIT_PRIVATE_KEY_FILE);
  if (!existsSync(privatePath)) {
    mkdirSync(dataDir, { recursive: true });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    try {
      // 'wx': two first starts at once must not each write their own key; the second reads the first's.
      writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      chmodSync(privatePath, 0o600);
      writeFileSync(join(dataDir, AUDIT_PUBLIC_KEY_FILE), publicKey.export({ type: 'spki', format: 'pem' }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const pem = readFileSync(privatePath, 'utf8');
  // The public key is derived again so a lost .pub.pem comes back (verifiers and `hub audit public-key` read it).
  const publicPath = join(dataDir, AUDIT_PUBLIC_KEY_FILE);
  if (!existsSync(publicPath)) writeFileSync(publicPath, CheckpointSigner.fromPem(pem).publicKeyPem);
  return pem;
}
