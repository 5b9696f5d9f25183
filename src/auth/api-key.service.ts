import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiKeys, type ApiKeyRow } from '../db/schema/index.js';
import { isUniqueViolation } from '../db/sql.js';
import { InputError, NotFoundError, UnauthenticatedError } from '../errors.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { Logger } from '../logger.js';
import { ROLES, systemPrincipal, type Principal, type Role } from './principal.js';

/**
 * API keys for BI tools and automation.
 *
 * A key looks like `mh_<8 hex>_<43 chars base64url>`: `mh_` makes a leaked key recognisable (secret scanners),
 * the 8 hex digits are the public lookup prefix, the rest is 32 random bytes. Only sha256(key) is stored; a key with
 * 256 bits of entropy needs no slow hash. The plaintext is returned once, at creation.
 *
 * HUB_BOOTSTRAP_ADMIN_KEY may be any string of 24+ characters; such keys are looked up by a prefix derived from
 * their hash (`bs_<8 hex>`) instead.
 */

const KEY_FORMAT = /^mh_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;
const LAST_USED_RESOLUTION_SECONDS = 60;
/** Compared against when no row matches, so an unknown prefix costs the same as a wrong secret. */
const DUMMY_HASH = Buffer.alloc(32);

export interface CreateApiKeyInput {
  name: string;
  roles: Role[];
  /** Who creates it: stored as `created_by` and audited. */
  createdBy: Pick<Principal, 'id' | 'roles'>;
  expiresAt?: Date | null;
}

export interface ApiKeyServiceDeps {
  db: Db;
  audit: AuditRecorder;
  logger: Logger;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The lookup prefix of a presented key: its own for `mh_` keys, one derived from the hash for bootstrap keys. */
function lookupPrefix(presented: string): string {
  const match = KEY_FORMAT.exec(presented);
  return match ? `mh_${match[1]}` : `bs_${sha256(presented).toString('hex').slice(0, 8)}`;
}

/**
 * True when `presented` is the key whose SHA-256 digest is `storedHexDigest` (null: no key has the presented prefix).
 * Always exactly one `timingSafeEqual` over two 32-byte digests, so neither a wrong secret, an unknown prefix nor a
 * malformed stored digest answers measurably faster than the others.
 */
export function keyMatchesDigest(presented: string, storedHexDigest: string | null): boolean {
  const stored = storedHexDigest === null ? null : Buffer.from(storedHexDigest, 'hex');
  const usable = stored !== null && stored.length === 32;
  const equal = timingSafeEqual(sha256(presented), usable ? stored : DUMMY_HASH);
  return equal && usable;
}

export function generateApiKey(): { key: string; prefix: string } {
  const prefixHex = randomBytes(4).toString('hex');
  return { key: `mh_${prefixHex}_${randomBytes(32).toString('base64url')}`, prefix: `mh_${prefixHex}` };
}

export function apiKeyPrincipal(row: Pick<ApiKeyRow, 'id' | 'name' | 'roles'>): Principal {
  return { id: `key:${row.id}`, displayName: row.name, roles: row.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)), kind: 'api-key' };
}

export class ApiKeyService {
  constructor(private readonly deps: ApiKeyServiceDeps) {}

  /** Creates a key; `key` is the plaintext, shown once and never stored. */
  async createApiKey(input: CreateApiKeyInput): Promise<{ key: string; row: ApiKeyRow }> {
    const problems = [];
    const name = input.name?.trim() ?? '';
    if (name.length === 0 || name.length > 100) problems.push({ path: 'name', message: 'must be 1 to 100 characters' });
    if (input.roles.length === 0) problems.push({ path: 'roles', message: 'at least one role is required' });
    const unknown = input.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
    if (unknown.length) problems.push({ path: 'roles', message: `unknown role(s) ${unknown.join(', ')}; expected ${ROLES.join(', ')}` });
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) problems.push({ path: 'expiresAt', message: 'must be in the future' });
    if (problems.length) throw new InputError('Invalid API key', problems);

    // A prefix collision (1 in 2^32 per pair) is retried with a fresh key rather than failing the caller.
    for (let attempt = 0; ; attempt++) {
      const { key, prefix } = generateApiKey();
      try {
        const row = await this.insert({ name, roles: [...new Set(input.roles)], prefix, keyHash: sha256(key).toString('hex'), createdBy: input.createdBy, expiresAt: input.expiresAt ?? null });
        return { key, row };
      } catch (error) {
        if (attempt < 3 && isUniqueViolation(error, 'api_keys_prefix_uq')) continue;
        throw error;
      }
    }
  }

  private async insert(values: { name: string; roles: Role[]; prefix: string; keyHash: string; createdBy: Pick<Principal, 'id' | 'roles'>; expiresAt: Date | null }): Promise<ApiKeyRow> {
    return this.deps.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(apiKeys)
        .values({ name: values.name, roles: values.roles, prefix: values.prefix, keyHash: values.keyHash, createdBy: values.createdBy.id, expiresAt: values.expiresAt })
        .returning();
      await this.deps.audit.record(tx, {
        actor: values.createdBy,
        action: 'api_key.created',
        entityKind: 'api_key',
        entityId: row.id,
        after: { name: row.name, roles: row.roles, prefix: row.prefix, expiresAt: row.expiresAt },
      });
      return row;
    });
  }

  /**
   * Authenticates a presented key. Throws UnauthenticatedError for an unknown, wrong, revoked or expired key
   * (the message never repeats the key). Records last use at most once a minute per key.
   */
  async verify(presented: string): Promise<Principal> {
    const [row] = await this.deps.db.select().from(apiKeys).where(eq(apiKeys.prefix, lookupPrefix(presented))).limit(1);
    const matches = keyMatchesDigest(presented, row?.keyHash ?? null);
    if (!matches || !row) throw new UnauthenticatedError('Invalid API key');
    if (row.revokedAt) throw new UnauthenticatedError('API key has been revoked');
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError('API key has expired');
    await this.touch(row.id);
    return apiKeyPrincipal(row);
  }

  private async touch(id: string): Promise<void> {
    try {
      await this.deps.db
        .update(apiKeys)
        .set({ lastUsedAt: sql`now()` })
        .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), sql`${apiKeys.lastUsedAt} < now() - make_interval(secs => ${LAST_USED_RESOLUTION_SECONDS})`)));
    } catch (error) {
      // Bookkeeping only: a failed update must not refuse an authenticated request.
      this.deps.logger.warn({ err: error, apiKeyId: id }, 'could not record API key use');
    }
  }

  /** Revokes a key (idempotent: revoking a revoked key keeps the first revocation time). */
  async revokeApiKey(id: string, actor: Pick<Principal, 'id' | 'roles'>): Promise<ApiKeyRow> {
    return this.deps.db.transaction(async (tx) => {
      const [current] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).for('update');
      if (!current) throw new NotFoundError(`API key ${id} not found`);
      if (current.revokedAt) return current;
      const [row] = await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id)).returning();
      await this.deps.audit.record(tx, { actor, action: 'api_key.revoked', entityKind: 'api_key', entityId: id, before: { revokedAt: null }, after: { revokedAt: row.revokedAt } });
      return row;
    });
  }

  /** Every key, newest first (revoked and expired included, for review). */
  async list(): Promise<ApiKeyRow[]> {
    return this.deps.db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  }

  async get(id: string): Promise<ApiKeyRow | null> {
    const [row] = await this.deps.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    return row ?? null;
  }

  /**
   * Makes sure someone can administer the hub.
   * - With HUB_BOOTSTRAP_ADMIN_KEY: that key is stored (hashed) as an active ADMIN key; returns null.
   * - Without it: when no active ADMIN key exists, creates one and returns its plaintext for the caller to print once.
   * Safe to run from several processes at once (advisory lock).
   */
  async ensureBootstrapAdmin(bootstrapKey: string | null): Promise<{ key: string; row: ApiKeyRow } | null> {
    const actor = systemPrincipal('bootstrap');
    return this.deps.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(7240003)`);
      if (bootstrapKey) {
        const keyHash = sha256(bootstrapKey).toString('hex');
        const prefix = lookupPrefix(bootstrapKey);
        const [existing] = await tx.select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
        if (existing && existing.keyHash === keyHash && existing.roles.includes('ADMIN') && !existing.revokedAt && !existing.expiresAt) return null;
        const values = { name: 'bootstrap admin (HUB_BOOTSTRAP_ADMIN_KEY)', roles: ['ADMIN'], keyHash, revokedAt: null, expiresAt: null };
        const [row] = existing
          ? await tx.update(apiKeys).set(values).where(eq(apiKeys.id, existing.id)).returning()
          : await tx.insert(apiKeys).values({ ...values, prefix, createdBy: actor.id }).returning();
        await this.deps.audit.record(tx, { actor, action: existing ? 'api_key.bootstrap_restored' : 'api_key.created', entityKind: 'api_key', entityId: row.id, after: { name: row.name, roles: row.roles, prefix } });
        return null;
      }
      const [admin] = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(sql`'ADMIN' = any(${apiKeys.roles})`, isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), sql`${apiKeys.expiresAt} > now()`)))
        .limit(1);
      if (admin) return null;
      const { key, prefix } = generateApiKey();
      const [row] = await tx.insert(apiKeys).values({ name: 'bootstrap admin', roles: ['ADMIN'], prefix, keyHash: sha256(key).toString('hex'), createdBy: actor.id }).returning();
      await this.deps.audit.record(tx, { actor, action: 'api_key.created', entityKind: 'api_key', entityId: row.id, after: { name: row.name, roles: row.roles, prefix } });
      return { key, row };
    });
  }
}
