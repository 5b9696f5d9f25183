import type { Db } from '../db/client.js';
import { persons, type PersonRow } from '../db/schema/index.js';
import { isUniqueViolation } from '../db/sql.js';
import { ConflictError, InputError, NotAllowedError } from '../errors.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import { ROLES, type Principal, type Role } from '../auth/principal.js';
import { activeAdminPersonExists } from '../auth/api-key.service.js';
import { findPersonByEmail, findPersonById } from './people.repository.js';

/** Roles whose grant is a control under four eyes: a change request approved by a second ADMIN. */
export const FOUR_EYES_ROLES: readonly Role[] = ['VALIDATOR', 'RISK_OFFICER', 'ADMIN'];
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

/** Who may act on people: a principal with its person (null for the hub's own system principals). */
export type PeopleActor = Pick<Principal, 'id' | 'roles' | 'kind' | 'personId' | 'breakGlass'>;

/** People: who they are, which roles they are granted. Keys and SSO links hang off a person. */
export class PeopleService {
  constructor(private readonly deps: PeopleServiceDeps) {}

  findPersonById(id: string): Promise<PersonRow | null> {
    return findPersonById(this.deps.db, id);
  }

  findPersonByEmail(email: string): Promise<PersonRow | null> {
    return findPersonByEmail(this.deps.db, email);
  }

  /**
   * Creates a person. An ADMIN grants VIEWER, DATA_SCIENTIST and OPERATOR directly; VALIDATOR, RISK_OFFICER and
   * ADMIN need a second ADMIN (FOUR_EYES_REQUIRED), except from the break-glass key while no active ADMIN person
   * exists: that is how the first ADMIN comes to be. The hub itself (CLI, demo) is not bound by four eyes.
   */
  async createPerson(input: CreatePersonInput, actor: PeopleActor): Promise<PersonRow> {
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

  private async checkMayGrant(tx: Parameters<typeof activeAdminPersonExists>[0], actor: PeopleActor, granted: readonly Role[], mutation: string): Promise<void> {
    if (actor.kind === 'system') return;
    if (!actor.roles.includes('ADMIN')) throw new NotAllowedError(`${mutation} needs the ADMIN role`);
    const controlled = granted.filter((role) => FOUR_EYES_ROLES.includes(role));
    if (controlled.length === 0) return;
    if (actor.breakGlass && !(await activeAdminPersonExists(tx))) return;
    throw new NotAllowedError(
      `Granting ${controlled.join(', ')} needs a second ADMIN: use ${ROLE_GRANT_MUTATION} (one role at a time), which another ADMIN approves`,
      'FOUR_EYES_REQUIRED',
      { roles: controlled, mutation: ROLE_GRANT_MUTATION },
    );
  }
}

function validatePerson(input: CreatePersonInput): { email: string; displayName: string; roles: Role[] } {
  const problems = [];
  const email = input.email?.trim() ?? '';
  const displayName = input.displayName?.trim() ?? '';
  if (!EMAIL.test(email) || email.length > MAX_EMAIL) problems.push({ path: 'email', message: `must be an email address of at most ${MAX_EMAIL} characters` });
  else if (/\.invalid$/i.test(email)) problems.push({ path: 'email', message: 'the .invalid domain is reserved for placeholders the hub makes itself' });
  if (displayName.length === 0 || displayName.length > MAX_NAME) problems.push({ path: 'displayName', message: `must be 1 to ${MAX_NAME} characters` });
  const unknown = input.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) problems.push({ path: 'roles', message: `unknown role(s) ${unknown.join(', ')}; expected ${ROLES.join(', ')}` });
  if (problems.length) throw new InputError('Invalid person', problems);
  return { email, displayName, roles: ROLES.filter((r) => input.roles.includes(r)) };
}
