import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { and, eq, isNotNull, isNull, like } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sources } from '../db/schema/index.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import { systemPrincipal, type Principal } from './principal.js';

/**
 * Source secrets at rest.
 *
 * A stored secret is one of:
 * - `v1:<keyId>:<iv>:<tag>:<ciphertext>`: AES-256-GCM of the secret's JSON under HUB_SECRET_KEY. `keyId` is the first
 *   8 hex digits of sha256(key), so a blob names the key that sealed it and rotation knows what to re-encrypt.
 *   The additional authenticated data is the source id: a blob copied onto another source does not open.
 * - `env:<NAME>`: a reference; the environment variable NAME holds the secret's JSON and is read at use time,
 *   for teams that inject secrets through the environment. Nothing secret is stored.
 */

const FORMAT = 'v1';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why a stored secret could not be used. Messages never contain secret material. */
export type SecretFailure = 'no-key' | 'unknown-key' | 'tampered' | 'malformed' | 'env-missing' | 'env-invalid';

/**
 * A stored secret could not be opened. Not a domain error: it means the hub's configuration (key, environment)
 * or the stored data is wrong, which an operator must fix; callers turn it into a readable verdict.
 */
export class SecretUnavailableError extends Error {
  override name = 'SecretUnavailableError';
  constructor(
    message: string,
    readonly reason: SecretFailure,
  ) {
    super(message);
  }
}

/** What a caller may give as a secret: the secret object, or a reference to an environment variable. */
export type SecretInput = Record<string, unknown> | string;

/** `env:NAME` or `{ "$env": "NAME" }` → NAME; anything else → null. Throws for a malformed reference. */
export function envReferenceName(input: unknown): string | null {
  let name: unknown = null;
  if (typeof input === 'string') {
    if (!input.startsWith('env:')) return null;
    name = input.slice(4);
  } else if (input && typeof input === 'object' && !Array.isArray(input) && '$env' in input) {
    if (Object.keys(input).length !== 1) throw new SecretUnavailableError('an {"$env": NAME} secret takes no other fields', 'env-invalid');
    name = (input as { $env: unknown }).$env;
  } else {
    return null;
  }
  if (typeof name !== 'string' || !ENV_NAME.test(name)) {
    throw new SecretUnavailableError('an environment reference must name a variable: letters, digits and _ (e.g. env:MLFLOW_SECRET)', 'env-invalid');
  }
  return name;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export class SecretBox {
  readonly currentKeyId: string;
  readonly previousKeyId: string | null;
  private readonly keys: Map<string, Buffer>;

  /**
   * @param key the current HUB_SECRET_KEY (32 bytes): seals and opens.
   * @param previousKey the key before a rotation (HUB_SECRET_KEY_PREVIOUS): opens only.
   */
  constructor(key: Buffer, previousKey: Buffer | null = null) {
    if (key.length !== 32 || (previousKey && previousKey.length !== 32)) throw new Error('HUB_SECRET_KEY must be 32 bytes');
    this.currentKeyId = keyId(key);
    this.previousKeyId = previousKey ? keyId(previousKey) : null;
    this.keys = new Map([[this.currentKeyId, key]]);
    if (previousKey && this.previousKeyId !== this.currentKeyId) this.keys.set(this.previousKeyId!, previousKey);
  }

  /** From the config's `secrets` section; null when no key is configured (sources then cannot hold literal secrets). */
  static fromKeys(keys: { key: Buffer | null; previousKey: Buffer | null }): SecretBox | null {
    return keys.key ? new SecretBox(keys.key, keys.previousKey) : null;
  }

  /** Encrypts a secret object for the source `sourceId`. */
  seal(secret: Record<string, unknown>, sourceId: string): string {
    const key = this.keys.get(this.currentKeyId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(`source:${sourceId}`));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(secret), 'utf8'), cipher.final()]);
    return [FORMAT, this.currentKeyId, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  /** Decrypts a sealed blob (not an env reference). Throws SecretUnavailableError naming the reason. */
  open(stored: string, sourceId: string): Record<string, unknown> {
    const parts = stored.split(':');
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new SecretUnavailableError('the stored secret is not in a known format', 'malformed');
    const [, id, ivText, tagText, ctText] = parts;
    const key = this.keys.get(id);
    if (!key) {
      throw new SecretUnavailableError(
        `the stored secret was encrypted with key ${id}, which is neither HUB_SECRET_KEY (${this.currentKeyId})` +
          (this.previousKeyId ? ` nor HUB_SECRET_KEY_PREVIOUS (${this.previousKeyId})` : ' (give the old key as HUB_SECRET_KEY_PREVIOUS to rotate)'),
        'unknown-key',
      );
    }
    const iv = Buffer.from(ivText, 'base64');
    const tag = Buffer.from(tagText, 'base64');
    if (iv.length !== 12 || tag.length !== 16) throw new SecretUnavailableError('the stored secret is damaged (bad IV or tag)', 'tampered');
    let plaintext: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(`source:${sourceId}`));
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(Buffer.from(ctText, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      // GCM authentication failed: modified ciphertext, tag or IV, or a blob moved from another source.
      throw new SecretUnavailableError('the stored secret failed its integrity check (modified, or copied from another source)', 'tampered');
    }
    const value = JSON.parse(plaintext) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SecretUnavailableError('the stored secret is not a JSON object', 'malformed');
    return value as Record<string, unknown>;
  }

  /** True when the blob was sealed with the previous key and should be re-encrypted. */
  isUnderPreviousKey(stored: string): boolean {
    return this.previousKeyId !== null && sealedKeyId(stored) === this.previousKeyId;
  }
}

/** The key id of a sealed blob, or null for anything else. */
export function sealedKeyId(stored: string): string | null {
  const parts = stored.split(':');
  return parts.length === 5 && parts[0] === FORMAT ? parts[1] : null;
}

export function isSealed(stored: string): boolean {
  return sealedKeyId(stored) !== null;
}

/**
 * Turns a caller's secret into what is stored: an `env:NAME` reference as is, anything else sealed.
 * Throws SecretUnavailableError('no-key') when a literal secret is given but no HUB_SECRET_KEY is configured.
 */
export function storeSecret(box: SecretBox | null, input: SecretInput, sourceId: string): string {
  const envName = envReferenceName(input);
  if (envName) return `env:${envName}`;
  if (typeof input === 'string') throw new SecretUnavailableError('a secret is a JSON object or an env:NAME reference', 'malformed');
  if (!box) throw new SecretUnavailableError('HUB_SECRET_KEY is not set: the hub cannot store secrets (use an env:NAME reference, or set the key)', 'no-key');
  return box.seal(input, sourceId);
}

/** Opens what `storeSecret` produced: decrypts a sealed blob, or reads the referenced environment variable now. */
export function resolveStoredSecret(box: SecretBox | null, stored: string, sourceId: string, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const envName = stored.startsWith('env:') ? envReferenceName(stored) : null;
  if (envName) {
    const raw = env[envName];
    if (raw === undefined || raw === '') throw new SecretUnavailableError(`the secret references the environment variable ${envName}, which is not set`, 'env-missing');
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new SecretUnavailableError(`the environment variable ${envName} must hold the secret as a JSON object (e.g. {"token":"…"})`, 'env-invalid');
    }
    return value as Record<string, unknown>;
  }
  if (!box) throw new SecretUnavailableError('HUB_SECRET_KEY is not set, so the stored secret cannot be decrypted', 'no-key');
  return box.open(stored, sourceId);
}

/** What verifyStoredSecrets found. */
export interface StoredSecretsReport {
  /** Sources with an encrypted secret. */
  sealed: number;
  /** Names of sources still under the previous key (re-encrypt them). */
  underPreviousKey: string[];
  /** Names of sources whose secret does not open (tampered, or a third key); their syncs will fail until fixed. */
  unreadable: Array<{ name: string; reason: string }>;
}

/**
 * Start-up check. Throws (touching nothing) when sources hold encrypted secrets and there is no key, or the key opens
 * none of them: a wrong HUB_SECRET_KEY must stop the hub, not make every sync fail or tempt anyone to re-enter secrets.
 */
export async function verifyStoredSecrets(db: Db, box: SecretBox | null): Promise<StoredSecretsReport> {
  const rows = await db
    .select({ id: sources.id, name: sources.name, secret: sources.secretCiphertext })
    .from(sources)
    .where(and(isNull(sources.deletedAt), isNotNull(sources.secretCiphertext), like(sources.secretCiphertext, `${FORMAT}:%`)));
  const names = rows.map((r) => r.name).sort();
  if (rows.length === 0) return { sealed: 0, underPreviousKey: [], unreadable: [] };
  if (!box) {
    throw new Error(`HUB_SECRET_KEY is not set, but ${rows.length} source(s) have encrypted secrets: ${names.join(', ')}. Start the hub with the key they were stored under.`);
  }
  const report: StoredSecretsReport = { sealed: rows.length, underPreviousKey: [], unreadable: [] };
  for (const row of rows) {
    try {
      box.open(row.secret!, row.id);
      if (box.isUnderPreviousKey(row.secret!)) report.underPreviousKey.push(row.name);
    } catch (error) {
      report.unreadable.push({ name: row.name, reason: (error as Error).message });
    }
  }
  if (report.unreadable.length === rows.length) {
    throw new Error(
      `HUB_SECRET_KEY (key id ${box.currentKeyId}) opens none of the ${rows.length} stored source secret(s): ${names.join(', ')}. ` +
        'Start the hub with the key they were stored under (or give it as HUB_SECRET_KEY_PREVIOUS to rotate). Nothing was changed.',
    );
  }
  return report;
}

/**
 * Re-encrypts, in one transaction, every secret still under the previous key with the current key, with one audit
 * event per source. Returns the names of the sources re-encrypted. Run at start when a previous key is configured.
 */
export async function reencryptWithCurrentKey(db: Db, box: SecretBox, audit: AuditRecorder, actor: Principal = systemPrincipal('secret-rotation')): Promise<string[]> {
  if (!box.previousKeyId) return [];
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: sources.id, name: sources.name, secret: sources.secretCiphertext })
      .from(sources)
      .where(like(sources.secretCiphertext, `${FORMAT}:${box.previousKeyId}:%`))
      .for('update');
    for (const row of rows) {
      const resealed = box.seal(box.open(row.secret!, row.id), row.id);
      // secret_updated_at stays: the secret itself did not change, only the key protecting it.
      await tx.update(sources).set({ secretCiphertext: resealed }).where(eq(sources.id, row.id));
    }
    await audit.record(
      tx,
      rows.map((row) => ({
        actor,
        action: 'source.secret_reencrypted',
        entityKind: 'source',
        entityId: row.id,
        before: { keyId: box.previousKeyId },
        after: { keyId: box.currentKeyId },
      })),
    );
    return rows.map((r) => r.name);
  });
}
