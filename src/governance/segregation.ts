import { hasRole, type Principal } from '../auth/principal.js';
import type { Slot } from './policies.js';

/**
 * Segregation of duties, pure. The service runs these checks under the request's row lock; the database backs the
 * first three with constraints (approvals_not_self_ck, approvals_one_per_person_uq, approvals_slot_uq,
 * approvals_role_held_ck), so a bug here cannot let a forbidden decision commit.
 */

export type SodCode = 'SELF_APPROVAL' | 'DUPLICATE_APPROVER' | 'OWNER_CANNOT_VALIDATE' | 'ROLE_REQUIRED' | 'NO_OPEN_SLOT';

export type SlotChoice = { ok: true; slot: Slot } | { ok: false; code: SodCode; reason: string };

/** Who the version belongs to: neither may be its independent VALIDATOR. */
export interface Independence {
  /** The model's governance-owned accountable owner (free text: a name or an email). */
  accountableOwner: string | null;
  /** The vendor's record of who created the version (user name, email, ARN). */
  versionCreatedBy: string | null;
}

export interface DecisionSoFar {
  approverId: string;
  slotRole: string;
  slotIndex: number;
}

const norm = (value: string) => value.trim().toLowerCase();

/**
 * True when the actor is the model's accountable owner or the version's creator. Owner and creator are free text
 * from people and vendors, so both the principal id (API key id / JWT subject) and its display name (key name /
 * name or email claim) are compared, case-insensitively and ignoring surrounding spaces. It errs on the side of
 * refusing: a validator who shares a display name with the owner must ask a colleague.
 */
export function isOwnerOrCreator(actor: Pick<Principal, 'id' | 'displayName'>, independence: Independence): boolean {
  const identities = [actor.id, actor.displayName].filter((v) => v && v.trim() !== '').map(norm);
  const owners = [independence.accountableOwner, independence.versionCreatedBy].filter((v): v is string => !!v && v.trim() !== '').map(norm);
  return owners.some((owner) => identities.includes(owner));
}

/**
 * The slot `actor` would fill on a request, or why they may not decide on it at all. Open slots the actor holds
 * the role of literally come first (in policy order); ADMIN, who holds every role, fills what is left.
 */
export function chooseSlot(input: {
  actor: Pick<Principal, 'id' | 'displayName' | 'roles'>;
  requesterId: string;
  slots: readonly Slot[];
  decisions: readonly DecisionSoFar[];
  independence: Independence;
}): SlotChoice {
  const { actor, requesterId, slots, decisions, independence } = input;
  if (actor.id === requesterId) {
    return { ok: false, code: 'SELF_APPROVAL', reason: 'You opened this request; someone else must decide on it.' };
  }
  if (decisions.some((d) => d.approverId === actor.id)) {
    return { ok: false, code: 'DUPLICATE_APPROVER', reason: 'You have already filled a slot of this request; one person fills at most one.' };
  }
  const filled = new Set(decisions.map((d) => `${d.slotRole}#${d.slotIndex}`));
  const open = slots.filter((s) => !filled.has(`${s.role}#${s.index}`));
  const mine = open.filter((s) => hasRole(actor, s.role));
  if (mine.length === 0) {
    if (slots.some((s) => hasRole(actor, s.role))) {
      return { ok: false, code: 'NO_OPEN_SLOT', reason: 'Every slot you could fill on this request is already filled.' };
    }
    const needed = [...new Set(open.map((s) => s.role))].join(' or ');
    return { ok: false, code: 'ROLE_REQUIRED', reason: `This request needs approval from ${needed}; you hold none of those roles.` };
  }
  const ownerOrCreator = isOwnerOrCreator(actor, independence);
  const eligible = ownerOrCreator ? mine.filter((s) => s.role !== 'VALIDATOR') : mine;
  if (eligible.length === 0) {
    return {
      ok: false,
      code: 'OWNER_CANNOT_VALIDATE',
      reason: "You are this model's accountable owner or this version's creator, so you cannot be its independent VALIDATOR.",
    };
  }
  const literal = eligible.find((s) => actor.roles.includes(s.role));
  return { ok: true, slot: literal ?? eligible[0] };
}
