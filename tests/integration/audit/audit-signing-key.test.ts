import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyCheckpointSignature } from '../../../src/audit/checkpoint-signature.js';
import { parseConfig } from '../../../src/config.js';
import { AUDIT_PRIVATE_KEY_FILE, AUDIT_PUBLIC_KEY_FILE, loadAuditSigner } from '../../../src/main/audit-signing-key.js';

describe('loadAuditSigner', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'hub-audit-key-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should generate a key pair into the data folder on the embedded default, once, private key mode 0600', () => {
    const config = parseConfig({ HUB_DATA_DIR: dataDir });
    const first = loadAuditSigner(config)!;
    expect(statSync(join(dataDir, AUDIT_PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, AUDIT_PUBLIC_KEY_FILE), 'utf8')).toBe(first.publicKeyPem);
    const again = loadAuditSigner(config)!;
    expect(again.keyId).toBe(first.keyId);
    expect(verifyCheckpointSignature(again.sign(1, 'a'.repeat(64)), first.publicKeyPem)).toBe(true);
  });

  it('should generate nothing on PostgreSQL without HUB_AUDIT_SIGNING_KEY', () => {
    expect(loadAuditSigner(parseConfig({ HUB_DATA_DIR: dataDir, DATABASE_URL: 'postgres://db/hub' }))).toBeNull();
  });

  it('should take the key as PEM text or as the path of a PEM file', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const file = join(dataDir, 'mounted.pem');
    writeFileSync(file, pem);
    const fromText = loadAuditSigner(parseConfig({ DATABASE_URL: 'postgres://db/hub', HUB_AUDIT_SIGNING_KEY: pem }))!;
    const fromFile = loadAuditSigner(parseConfig({ DATABASE_URL: 'postgres://db/hub', HUB_AUDIT_SIGNING_KEY: file }))!;
    expect(fromFile.keyId).toBe(fromText.keyId);
    expect(() => loadAuditSigner(parseConfig({ HUB_AUDIT_SIGNING_KEY: join(dataDir, 'missing.pem') }))).toThrow(/HUB_AUDIT_SIGNING_KEY: neither PEM text nor a readable file \(ENOENT\)/);
  });
});
