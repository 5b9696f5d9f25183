import { and, asc, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.js';
import { apiKeys, personIdentities, persons, type PersonIdentityRow, type PersonRow } from '../db/schema/index.js';
import { isUniqueViolation } from '../db/sql.js';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '../errors.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import { GOVERNED_ROLES, ROLES, type Principal, type Role } from '../auth/principal.js';
import { activeAdminPersonExists } from '../auth/api-key.service.js';
import { findPersonByEmail, findPersonById, findPersonsByIds } from './people.repository.js';
import { toSsoIdentityRecord, type PersonIdentities, type PersonRecord } from './person-record.js';

export type { PersonRecord } from './person-record.js';
import { toApiKeyRecord } from '../auth/api-key-record.js';

/** The mutation that grants a four-eyes role (built with the controls under four eyes). */
export const ROLE_GRANT_MUTATION = 'requestRoleGrant';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL = 254;
const MAX_NAME = 200;

export interface PeopleServiceDeps {
  db: Db;
  audit: AuditRecorder;
}

export interface CreatePersonInput {
  email: string;
  displayName: string;
  roles: Role[];
}

/** Fields of updatePerson; absent ones stay. */
export interface UpdatePersonInput {
  email?: string | null;
  displayName?: string | null;
  /** The complete new list of granted roles. Removing applies at once; adding follows the grant rules. */
  roles?: Role[] | null;
}

/** One page of people, ordered by email (then id). */
export interface PeoplePage {
  items: PersonRecord[];
  hasNextPage: boolean;
  totalCount: number;
}


const MAX_ISSUER = 500;
const MAX_SUBJECT = 255;

/** Who may act on people: a principal with its person (null for the hub's own system principals). */
export type PeopleActor = Pick<Principal, 'id' | 'roles' | 'kind' | 'personId' | 'breakGlass'>;

/** People: who they are, which roles they are granted. Keys and SSO links hang off a person. */
export class PeopleService {
  constructor(private readonly deps: PeopleServiceDeps) {}

  findPersonById(id: string): Promise<PersonRecord | null> {
    return findPersonById(this.deps.db, id);
  }

  findPersonByEmail(email: string): Promise<PersonRecord | null> {
    return findPersonByEmail(this.deps.db, email);
  }

  /**
   * Creates a person. An ADMIN grants VIEWER, DATA_SCIENTIST and OPERATOR directly; VALIDATOR, RISK_OFFICER and
   * ADMIN need a second ADMIN (FOUR_EYES_REQUIRED), except from the break-glass key while no active ADMIN person
   * exists: that is how the first ADMIN comes to be. The hub itself (CLI, demo) is not bound by four eyes.
   */
  async createPerson(input: CreatePersonInput, actor: PeopleActor): Promise<PersonRecord> {
    const values = validatePerson(input);
    return this.deps.db.transaction(async (tx) => {
      await this.checkMayGrant(tx, actor, values.roles, 'createPerson');
      let row: PersonRow;
      try {
        [row] = await tx.insert(persons).values(values).returning();
      } catch (error) {
        if (isUniqueViolation(error, 'persons_email_uq')) throw new ConflictError(`A person with email ${values.email} already exists`, 'DUPLICATE_EMAIL');
        throw error;
      }
      await this.deps.audit.record(tx, { actor, action: 'person.created', entityKind: 'person', entityId: row.id, after: { email: row.email, displayName: row.displayName, roles: row.roles } });
      return row;
    });
  }

  /**
   * Changes a person's email, name or roles. Nobody grants themselves a role (SELF_GRANT); adding VALIDATOR,
   * RISK_OFFICER or ADMIN needs a second ADMIN (FOUR_EYES_REQUIRED); removing a role applies at once, and with it
   * every key and SSO login of the person loses it (effective roles are credential ∩ person).
   */
  async updatePerson(id: string, input: UpdatePersonInput, actor: PeopleActor): Promise<PersonRecord> {
    return this.deps.db.transaction(async (tx) => {
      const current = await this.lockPerson(tx, id);
      if (current.breakGlass) throw new NotAllowedError('The break-glass identity is managed by the hub; set HUB_BOOTSTRAP_ADMIN_KEY to change its key');
      const next = validatePerson({ email: input.email ?? current.email, displayName: input.displayName ?? current.displayName, roles: input.roles ?? (current.roles as Role[]) }, current.email);
      const added = next.roles.filter((role) => !current.roles.includes(role));
      if (added.length && actor.personId === current.id) {
        throw new NotAllowedError(`Nobody grants themselves a role: ask another ADMIN to grant ${added.join(', ')}`, 'SELF_GRANT', { roles: added });
      }
      await this.checkMayGrant(tx, actor, added, 'updatePerson');
      let row: PersonRow;
      try {
        [row] = await tx.update(persons).set({ email: next.email, displayName: next.displayName, roles: next.roles, updatedAt: new Date() }).where(eq(persons.id, id)).returning();
      } catch (error) {
        if (isUniqueViolation(error, 'persons_email_uq')) throw new ConflictError(`A person with email ${next.email} already exists`, 'DUPLICATE_EMAIL');
        throw error;
      }
      await this.deps.audit.record(tx, {
        actor,
        action: 'person.updated',
        entityKind: 'person',
        entityId: id,
        before: { email: current.email, displayName: current.displayName, roles: current.roles },
        after: { email: row.email, displayName: row.displayName, roles: row.roles },
      });
      return row;
    });
  }

  /**
   * Deactivates a person and, in the same transaction, revokes every API key of theirs and disables every SSO link:
   * nothing they hold authenticates any more. Idempotent.
   */
  async deactivatePerson(id: string, actor: PeopleActor): Promise<PersonRecord> {
    if (actor.kind !== 'system' && !actor.roles.includes('ADMIN')) throw new NotAllowedError('deactivatePerson needs the ADMIN role');
    return this.deps.db.transaction(async (tx) => {
      const current = await this.lockPerson(tx, id);
      if (!current.active) return current;
      const now = new Date();
      const [row] = await tx.update(persons).set({ active: false, deactivatedAt: now, updatedAt: now }).where(eq(persons.id, id)).returning();
      const keys = await tx.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.personId, id), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id });
      const links = await tx.update(personIdentities).set({ disabledAt: now }).where(and(eq(personIdentities.personId, id), isNull(personIdentities.disabledAt))).returning({ id: personIdentities.id });
      await this.deps.audit.record(tx, {
        actor,
        action: 'person.deactivated',
        entityKind: 'person',
        entityId: id,
        before: { active: true },
        // The roles too: every event that touches a person records the roles after it (the state replay reads them).
        after: { active: false, roles: row.roles, revokedApiKeyIds: keys.map((k) => k.id), disabledIdentityIds: links.map((l) => l.id) },
      });
      return row;
    });
  }

  /** An ADMIN links an SSO identity (the IdP's issuer and subject) to a person; the next sign-in is that person. */
  async linkIdentity(personId: string, identity: { issuer: string; subject: string }, actor: PeopleActor): Promise<PersonIdentityRow> {
    if (actor.kind !== 'system' && !actor.roles.includes('ADMIN')) throw new NotAllowedError('linkIdentity needs the ADMIN role');
    const issuer = identity.issuer?.trim() ?? '';
    const subject = identity.subject ?? '';
    const problems = [];
    if (issuer.length === 0 || issuer.length > MAX_ISSUER) problems.push({ path: 'issuer', message: `must be 1 to ${MAX_ISSUER} characters (the IdP's iss, as OIDC_ISSUER)` });
    if (subject.trim().length === 0 || subject.length > MAX_SUBJECT) problems.push({ path: 'subject', message: `must be 1 to ${MAX_SUBJECT} characters (the token's sub)` });
    else if (/^(key|system):/.test(subject)) problems.push({ path: 'subject', message: 'uses a reserved prefix (key: or system:)' });
    if (problems.length) throw new InputError('Invalid identity', problems);
    return this.deps.db.transaction(async (tx) => {
      const person = await this.lockPerson(tx, personId);
      if (person.breakGlass) throw new NotAllowedError('The break-glass identity signs in with the bootstrap key only');
      if (!person.active) throw new InputError('Invalid identity', [{ path: 'personId', message: `${person.displayName} is deactivated` }]);
      const linkedBy = `admin:${actor.id}`;
      let row: PersonIdentityRow;
      try {
        [row] = await tx.insert(personIdentities).values({ personId, issuer, subject, linkedBy }).returning();
      } catch (error) {
        if (isUniqueViolation(error, 'person_identities_issuer_subject_uq')) throw new ConflictError(`The SSO identity "${subject}" of ${issuer} is already linked to a person`, 'IDENTITY_LINKED');
        throw error;
      }
      await this.deps.audit.record(tx, { actor, action: 'person.identity_linked', entityKind: 'person', entityId: personId, after: { identityId: row.id, issuer, subject, linkedBy } });
      return row;
    });
  }

  /**
   * People ordered by email (case-insensitively), then id; `after` is the position of the last person of the previous
   * page. The break-glass identity is not a person anyone manages, so it is not listed.
   */
  async listPeople(page: { first: number; after?: { email: string; id: string } | null }, filter: { active?: boolean | null } = {}): Promise<PeoplePage> {
    const where = [eq(persons.breakGlass, false), filter.active == null ? undefined : eq(persons.active, filter.active)];
    const keyset = page.after ? sql`(lower(${persons.email}), ${persons.id}) > (${page.after.email}, ${page.after.id}::uuid)` : undefined;
    const rows = await this.deps.db
      .select()
      .from(persons)
      .where(and(...where, keyset))
      .orderBy(asc(sql`lower(${persons.email})`), asc(persons.id))
      .limit(page.first + 1);
    const [{ total }] = await this.deps.db.select({ total: count() }).from(persons).where(and(...where));
    return { items: rows.slice(0, page.first), hasNextPage: rows.length > page.first, totalCount: Number(total) };
  }

  findPersonsByIds(ids: readonly string[]): Promise<PersonRecord[]> {
    return findPersonsByIds(this.deps.db, ids);
  }

  /** The API keys (newest first) and SSO links of each person, for many persons at once. */
  async identitiesOf(personIds: readonly string[]): Promise<Map<string, PersonIdentities>> {
    const ids = [...new Set(personIds)];
    const result = new Map<string, PersonIdentities>(ids.map((id) => [id, { apiKeys: [], sso: [] }]));
    if (ids.length === 0) return result;
    const [keys, links] = await Promise.all([
      this.deps.db.select().from(apiKeys).where(inArray(apiKeys.personId, ids)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)),
      this.deps.db.select().from(personIdentities).where(inArray(personIdentities.personId, ids)).orderBy(asc(personIdentities.createdAt), asc(personIdentities.id)),
    ]);
    const now = Date.now();
    for (const key of keys) result.get(key.personId)!.apiKeys.push(toApiKeyRecord(key, now));
    for (const link of links) result.get(link.personId)!.sso.push(toSsoIdentityRecord(link));
    return result;
  }

  private async lockPerson(tx: Executor, id: string): Promise<PersonRow> {
    const found = await findPersonById(tx, id);
    if (!found) throw new NotFoundError(`Person ${id} not found`);
    const [row] = await tx.select().from(persons).where(eq(persons.id, id)).for('update');
    return row;
  }

  private async checkMayGrant(tx: Executor, actor: PeopleActor, granted: readonly Role[], mutation: string): Promise<void> {
    if (actor.kind === 'system') return;
    if (!actor.roles.includes('ADMIN')) throw new NotAllowedError(`${mutation} needs the ADMIN role`);
    const controlled = granted.filter((role) => GOVERNED_ROLES.includes(role));
    if (controlled.length === 0) return;
    if (actor.breakGlass && !(await activeAdminPersonExists(tx))) return;
    throw new NotAllowedError(
      `Granting ${controlled.join(', ')} needs a second ADMIN: use ${ROLE_GRANT_MUTATION} (one role at a time), which another ADMIN approves`,
      'FOUR_EYES_REQUIRED',
      { roles: controlled, mutation: ROLE_GRANT_MUTATION },
    );
  }
}

/** `keptEmail`: the person's current email, which may stay a placeholder of the upgrade (…@keys.invalid). */
function validatePerson(input: CreatePersonInput, keptEmail: string | null = null): { email: string; displayName: string; roles: Role[] } {
  const problems = [];
  const email = input.email?.trim() ?? '';
  const displayName = input.displayName?.trim() ?? '';
  if (!EMAIL.test(email) || email.length > MAX_EMAIL) problems.push({ path: 'email', message: `must be an email address of at most ${MAX_EMAIL} characters` });
  else if (/\.invalid$/i.test(email) && email !== keptEmail) problems.push({ path: 'email', message: 'the .invalid domain is reserved for placeholders the hub makes itself' });
  if (displayName.length === 0 || displayName.length > MAX_NAME) problems.push({ path: 'displayName', message: `must be 1 to ${MAX_NAME} characters` });
  const unknown = input.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) problems.push({ path: 'roles', message: `unknown role(s) ${unknown.join(', ')}; expected ${ROLES.join(', ')}` });
  if (problems.length) throw new InputError('Invalid person', problems);
  return { email, displayName, roles: ROLES.filter((r) => input.roles.includes(r)) };
}
