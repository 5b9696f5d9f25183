import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.js';
import { apiKeys, personIdentities, persons, type ApiKeyRow, type PersonRow } from '../db/schema/index.js';
import { isUniqueViolation } from '../db/sql.js';
import { InputError, NotAllowedError, NotFoundError, UnauthenticatedError } from '../errors.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { Logger } from '../logger.js';
import { toApiKeyRecord, type ApiKeyRecord } from './api-key-record.js';
import { intersectRoles, ROLES, systemPrincipal, type Principal, type Role } from './principal.js';

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
  /** A label only (what the key is for); who it acts for is `personId`. */
  name: string;
  roles: Role[];
  /** The person the key belongs to; the key's roles must be a subset of that person's roles. */
  personId: string;
  /** Who creates it: stored as `created_by` and audited. May mint only roles they hold themselves. */
  createdBy: KeyMinter;
  expiresAt?: Date | null;
  /** A BI service account's key: it may run only the registered operations of HUB_TRUSTED_DOCUMENTS. */
  biServiceAccount?: boolean;
}

/** The caller minting or revoking a key. */
export type KeyMinter = Pick<Principal, 'id' | 'roles' | 'kind' | 'personId' | 'breakGlass'>;

export interface ApiKeyServiceDeps {
  db: Db;
  audit: AuditRecorder;
  logger: Logger;
  /** HUB_BREAK_GLASS: the bootstrap admin key works even though an active ADMIN person exists (emergencies). */
  breakGlass?: boolean;
}

/** Display name and email of the break-glass identity that holds the bootstrap admin key. */
export const BREAK_GLASS_PERSON = { email: 'bootstrap-admin@hub.invalid', displayName: 'bootstrap admin (break glass)' } as const;

/**
 * True when an active person other than the break-glass identity holds ADMIN and can sign in (an active key carrying
 * ADMIN, or a linked SSO sign-in): the bootstrap key then rests. Creating the first ADMIN person does not yet retire
 * it, so the bootstrap key can still give that person a key or link their sign-in.
 */
export async function activeAdminPersonExists(db: Executor): Promise<boolean> {
  const [row] = await db
    .select({ id: persons.id })
    .from(persons)
    .where(
      and(
        eq(persons.active, true),
        eq(persons.breakGlass, false),
        sql`'ADMIN' = any(${persons.roles})`,
        sql`(exists (select 1 from ${apiKeys} k where k.person_id = ${persons.id} and k.revoked_at is null
                and (k.expires_at is null or k.expires_at > now()) and 'ADMIN' = any(k.roles))
             or exists (select 1 from ${personIdentities} i where i.person_id = ${persons.id} and i.disabled_at is null))`,
      ),
    )
    .limit(1);
  return row !== undefined;
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

/** A key's principal: its person's name, and the roles both the key and its person hold. */
export function apiKeyPrincipal(row: Pick<ApiKeyRow, 'id' | 'roles'> & Partial<Pick<ApiKeyRow, 'biServiceAccount'>>, person: Pick<PersonRow, 'id' | 'displayName' | 'roles' | 'breakGlass'>): Principal {
  const principal: Principal = { id: `key:${row.id}`, personId: person.id, displayName: person.displayName, roles: intersectRoles(row.roles, person.roles), kind: 'api-key' };
  if (person.breakGlass) principal.breakGlass = true;
  if (row.biServiceAccount) principal.trustedDocumentsOnly = true;
  return principal;
}

export class ApiKeyService {
  constructor(private readonly deps: ApiKeyServiceDeps) {}

  /** Creates a key; `key` is the plaintext, shown once and never stored. */
  async createApiKey(input: CreateApiKeyInput): Promise<{ key: string; apiKey: ApiKeyRecord }> {
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
        const row = await this.insert({ name, roles: ROLES.filter((r) => input.roles.includes(r)), personId: input.personId, prefix, keyHash: sha256(key).toString('hex'), createdBy: input.createdBy, expiresAt: input.expiresAt ?? null, biServiceAccount: input.biServiceAccount ?? false });
        return { key, apiKey: toApiKeyRecord(row) };
      } catch (error) {
        if (attempt < 3 && isUniqueViolation(error, 'api_keys_prefix_uq')) continue;
        throw error;
      }
    }
  }

  /**
   * A key acts for one person with a subset of that person's roles, and nobody mints a key with a role they do not
   * hold themselves. Anyone may mint keys for themselves; only an ADMIN for someone else. The hub itself (CLI, demo)
   * and the break-glass key (which sets up the first people) are bound by the person's roles only.
   */
  private async checkMayMint(tx: Executor, caller: KeyMinter, personId: string, roles: Role[]): Promise<void> {
    // Shared lock: a deactivation (which revokes every key) cannot slip between this check and the insert.
    const person = UUID.test(personId) ? (await tx.select().from(persons).where(eq(persons.id, personId)).for('share'))[0] : undefined;
    if (!person) throw new NotFoundError(`Person ${personId} not found`);
    if (!person.active) throw new InputError('Invalid API key', [{ path: 'personId', message: `${person.displayName} is deactivated` }]);
    if (person.breakGlass) throw new InputError('Invalid API key', [{ path: 'personId', message: 'the break-glass identity holds only the bootstrap admin key' }]);
    const lacking = roles.filter((role) => !person.roles.includes(role));
    if (lacking.length) {
      throw new NotAllowedError(`${person.displayName} does not hold ${lacking.join(', ')}; a key carries only roles its person holds`, 'ROLE_NOT_HELD', { roles: lacking });
    }
    if (caller.kind === 'system' || caller.breakGlass) return;
    if (caller.personId !== personId && !caller.roles.includes('ADMIN')) throw new NotAllowedError('Only an ADMIN may create API keys for someone else', 'FORBIDDEN');
    const notHeld = roles.filter((role) => !caller.roles.includes(role));
    if (notHeld.length) {
      throw new NotAllowedError(`You do not hold ${notHeld.join(', ')}; nobody mints a key with a role they do not hold themselves`, 'ROLE_NOT_HELD', { roles: notHeld });
    }
  }

  private async insert(values: { name: string; roles: Role[]; personId: string; prefix: string; keyHash: string; createdBy: KeyMinter; expiresAt: Date | null; biServiceAccount: boolean }): Promise<ApiKeyRow> {
    return this.deps.db.transaction(async (tx) => {
      await this.checkMayMint(tx, values.createdBy, values.personId, values.roles);
      const [row] = await tx
        .insert(apiKeys)
        .values({ name: values.name, roles: values.roles, personId: values.personId, prefix: values.prefix, keyHash: values.keyHash, createdBy: values.createdBy.id, expiresAt: values.expiresAt, biServiceAccount: values.biServiceAccount })
        .returning();
      await this.deps.audit.record(tx, {
        actor: values.createdBy,
        action: 'api_key.created',
        entityKind: 'api_key',
        entityId: row.id,
        after: { name: row.name, roles: row.roles, personId: row.personId, prefix: row.prefix, expiresAt: row.expiresAt, biServiceAccount: row.biServiceAccount },
      });
      return row;
    });
  }

  /**
   * Authenticates a presented key. Throws UnauthenticatedError for an unknown, wrong, revoked or expired key, a
   * deactivated person, or the bootstrap key at rest (the message never repeats the key). Records last use at most
   * once a minute per key; every use of the bootstrap key is audited (`auth.break_glass_used`).
   */
  async verify(presented: string): Promise<Principal> {
    const [found] = await this.deps.db
      .select({ key: apiKeys, person: persons })
      .from(apiKeys)
      .innerJoin(persons, eq(persons.id, apiKeys.personId))
      .where(eq(apiKeys.prefix, lookupPrefix(presented)))
      .limit(1);
    const matches = keyMatchesDigest(presented, found?.key.keyHash ?? null);
    if (!matches || !found) throw new UnauthenticatedError('Invalid API key');
    const { key: row, person } = found;
    if (row.revokedAt) throw new UnauthenticatedError('API key has been revoked');
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError('API key has expired');
    if (!person.active) throw new UnauthenticatedError('The person this API key belongs to has been deactivated');
    const principal = apiKeyPrincipal(row, person);
    if (person.breakGlass) await this.useBreakGlass(principal);
    await this.touch(row.id);
    return principal;
  }

  /**
   * The bootstrap key is how the first ADMIN comes to exist; once one does, it rests unless HUB_BREAK_GLASS=true.
   * Each use leaves an audit event, so an emergency is visible afterwards.
   */
  private async useBreakGlass(principal: Principal): Promise<void> {
    const adminExists = await activeAdminPersonExists(this.deps.db);
    if (adminExists && !this.deps.breakGlass) {
      throw new UnauthenticatedError('The bootstrap admin key is disabled because an active ADMIN person exists (set HUB_BREAK_GLASS=true to use it in an emergency)');
    }
    await this.deps.db.transaction((tx) =>
      this.deps.audit.record(tx, {
        actor: principal,
        action: 'auth.break_glass_used',
        entityKind: 'api_key',
        entityId: principal.id.slice('key:'.length),
        after: { reason: adminExists ? 'HUB_BREAK_GLASS=true' : 'no active ADMIN person exists' },
      }),
    );
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

  /** Revokes a key (idempotent: revoking a revoked key keeps the first revocation time). ADMIN, or the key's own person. */
  async revokeApiKey(id: string, actor: Pick<Principal, 'id' | 'roles'> & Partial<Pick<Principal, 'personId' | 'kind'>>): Promise<ApiKeyRecord> {
    const row = await this.deps.db.transaction(async (tx) => {
      const [current] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).for('update');
      if (!current) throw new NotFoundError(`API key ${id} not found`);
      const mayRevoke = actor.kind === 'system' || actor.roles.includes('ADMIN') || (actor.personId != null && actor.personId === current.personId);
      if (!mayRevoke) throw new NotAllowedError('Only an ADMIN or the key’s own person may revoke an API key');
      if (current.revokedAt) return current;
      const [row] = await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id)).returning();
      await this.deps.audit.record(tx, { actor, action: 'api_key.revoked', entityKind: 'api_key', entityId: id, before: { revokedAt: null }, after: { revokedAt: row.revokedAt } });
      return row;
    });
    return toApiKeyRecord(row);
  }

  /** Every key, newest first (revoked and expired included, for review). */
  async list(): Promise<ApiKeyRecord[]> {
    const now = Date.now();
    return (await this.deps.db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))).map((row) => toApiKeyRecord(row, now));
  }

  async get(id: string): Promise<ApiKeyRecord | null> {
    const [row] = await this.deps.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    return row ? toApiKeyRecord(row) : null;
  }

  /**
   * Makes sure someone can administer the hub, through the break-glass identity (a person record that is not a
   * human, holding only ADMIN):
   * - With HUB_BOOTSTRAP_ADMIN_KEY: that key is stored (hashed) as the break-glass key; returns null. A revoked
   *   bootstrap key stays revoked across restarts: only a different HUB_BOOTSTRAP_ADMIN_KEY makes a new one.
   * - Without it: while no active ADMIN person and no usable break-glass key exist, creates a key and returns its
   *   plaintext for the caller to print once.
   * Either key authenticates only while no active ADMIN person exists, or with HUB_BREAK_GLASS=true.
   * Safe to run from several processes at once (advisory lock).
   */
  async ensureBootstrapAdmin(bootstrapKey: string | null): Promise<{ key: string; apiKey: ApiKeyRecord } | null> {
    const actor = systemPrincipal('bootstrap');
    return this.deps.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(7240003)`);
      const person = await this.ensureBreakGlassPerson(tx, actor);
      if (bootstrapKey) {
        const keyHash = sha256(bootstrapKey).toString('hex');
        const prefix = lookupPrefix(bootstrapKey);
        const [existing] = await tx.select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
        if (existing && existing.keyHash === keyHash) {
          // Never un-revoke: a revocation is an ADMIN's decision that a restart must not undo.
          if (existing.revokedAt) this.deps.logger.warn({ prefix }, 'HUB_BOOTSTRAP_ADMIN_KEY was revoked and stays revoked; set a new key to get a working one');
          return null;
        }
        const values = { name: 'bootstrap admin (HUB_BOOTSTRAP_ADMIN_KEY)', roles: ['ADMIN'], keyHash, personId: person.id, revokedAt: null, expiresAt: null };
        // An existing row here is a different key whose hash-derived prefix collides (1 in 2^32): it is replaced.
        const [row] = existing
          ? await tx.update(apiKeys).set(values).where(eq(apiKeys.id, existing.id)).returning()
          : await tx.insert(apiKeys).values({ ...values, prefix, createdBy: actor.id }).returning();
        await this.deps.audit.record(tx, { actor, action: existing ? 'api_key.bootstrap_replaced' : 'api_key.created', entityKind: 'api_key', entityId: row.id, after: { name: row.name, roles: row.roles, personId: person.id, prefix } });
        return null;
      }
      if (await activeAdminPersonExists(tx)) return null;
      const [usable] = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.personId, person.id), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), sql`${apiKeys.expiresAt} > now()`)))
        .limit(1);
      if (usable) return null;
      const { key, prefix } = generateApiKey();
      const [row] = await tx.insert(apiKeys).values({ name: 'bootstrap admin', roles: ['ADMIN'], personId: person.id, prefix, keyHash: sha256(key).toString('hex'), createdBy: actor.id }).returning();
      await this.deps.audit.record(tx, { actor, action: 'api_key.created', entityKind: 'api_key', entityId: row.id, after: { name: row.name, roles: row.roles, personId: person.id, prefix } });
      return { key, apiKey: toApiKeyRecord(row) };
    });
  }

  /** The break-glass identity, created on first start (one at most: a partial unique index). */
  private async ensureBreakGlassPerson(tx: Executor, actor: Principal): Promise<PersonRow> {
    const [existing] = await tx.select().from(persons).where(eq(persons.breakGlass, true));
    if (existing) return existing;
    const [row] = await tx.insert(persons).values({ email: BREAK_GLASS_PERSON.email, displayName: BREAK_GLASS_PERSON.displayName, roles: ['ADMIN'], breakGlass: true }).returning();
    await this.deps.audit.record(tx, { actor, action: 'person.created', entityKind: 'person', entityId: row.id, after: { email: row.email, displayName: row.displayName, roles: row.roles, breakGlass: true } });
    return row;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
