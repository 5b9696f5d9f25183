import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { personIdentities, persons, type PersonRow } from '../db/schema/index.js';
import { isUniqueViolation } from '../db/sql.js';
import { UnauthenticatedError } from '../errors.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { VerifiedToken } from './jwt.js';
import { intersectRoles, systemPrincipal, type Principal } from './principal.js';

export interface SsoIdentityDeps {
  db: Db;
  audit: AuditRecorder;
  /** OIDC_LINK_BY_EMAIL: link a first login to the person with the token's verified email. */
  linkByEmail: boolean;
}

/** Resolves a verified token to the principal of its person. */
export type SsoResolver = (token: VerifiedToken) => Promise<Principal>;

/**
 * An SSO login is its person: the (issuer, subject) pair is looked up among the linked identities. A first login is
 * linked by email only when OIDC_LINK_BY_EMAIL=true and the IdP verified that email; otherwise it is refused, naming
 * the subject, for an ADMIN to link. The principal's roles are the token's mapped roles ∩ the person's.
 */
export function createSsoResolver(deps: SsoIdentityDeps): SsoResolver {
  return async (token) => {
    const person = (await linkedPerson(deps.db, token)) ?? (await linkByEmail(deps, token));
    if (!person.active) throw new UnauthenticatedError(`${person.displayName} has been deactivated; this sign-in no longer works`);
    return { id: token.subject, personId: person.id, displayName: person.displayName, roles: intersectRoles(token.roles, person.roles), kind: 'jwt' };
  };
}

async function linkedPerson(db: Db, token: VerifiedToken): Promise<PersonRow | null> {
  const [row] = await db
    .select({ person: persons, disabledAt: personIdentities.disabledAt })
    .from(personIdentities)
    .innerJoin(persons, eq(persons.id, personIdentities.personId))
    .where(and(eq(personIdentities.issuer, token.issuer), eq(personIdentities.subject, token.subject)));
  if (!row) return null;
  if (row.disabledAt) throw new UnauthenticatedError(`The SSO identity "${token.subject}" has been disabled`);
  return row.person;
}

function notLinked(token: VerifiedToken, why: string): UnauthenticatedError {
  return new UnauthenticatedError(`SSO subject "${token.subject}" of ${token.issuer} is not linked to a person (${why}); an ADMIN links it with linkIdentity`);
}

async function linkByEmail(deps: SsoIdentityDeps, token: VerifiedToken): Promise<PersonRow> {
  if (!deps.linkByEmail) throw notLinked(token, 'linking by email is off');
  if (!token.email || !token.emailVerified) throw notLinked(token, 'the token carries no verified email');
  const [person] = await deps.db.select().from(persons).where(sql`lower(${persons.email}) = ${token.email.toLowerCase()}`);
  if (!person || person.breakGlass) throw notLinked(token, `no person has the email ${token.email}`);
  if (!person.active) throw new UnauthenticatedError(`${person.displayName} has been deactivated; this sign-in no longer works`);
  try {
    await deps.db.transaction(async (tx) => {
      const [identity] = await tx.insert(personIdentities).values({ personId: person.id, issuer: token.issuer, subject: token.subject, linkedBy: 'email' }).returning();
      await deps.audit.record(tx, {
        actor: systemPrincipal('sso'),
        action: 'person.identity_linked',
        entityKind: 'person',
        entityId: person.id,
        after: { identityId: identity.id, issuer: token.issuer, subject: token.subject, linkedBy: 'email', email: token.email },
      });
    });
  } catch (error) {
    // Two first requests at once: the other linked it; read what it linked (it may be disabled, or another person).
    if (!isUniqueViolation(error, 'person_identities_issuer_subject_uq')) throw error;
    const linked = await linkedPerson(deps.db, token);
    if (!linked) throw error;
    return linked;
  }
  return person;
}
