import type { Role } from '../auth/principal.js';
import { APPROVER_ROLES, type ApproverRole, type Slot } from './policies.js';

/**
 * Segregation of duties, pure. The service runs these checks under the request's row lock; the database backs them
 * with constraints (approvals_not_self_ck, approvals_one_per_person_uq, approvals_slot_uq, approvals_role_held_ck),
 * so a bug here cannot let a forbidden decision commit.
 *
 * Every comparison is between *parties*: the person behind an identity once people are records, else the identity
 * itself (API key or token subject). Two keys of one person are one party.
 */

export type SodCode = 'SELF_APPROVAL' | 'DUPLICATE_APPROVER' | 'OWNER_CANNOT_VALIDATE' | 'ROLE_REQUIRED' | 'NO_OPEN_SLOT';

/** Where a decision lands: an open slot, or (a rejection only) no slot when every slot of that role is filled. */
export interface SlotDecision {
  role: ApproverRole;
  /** Null: a rejection by a holder of a required role after that role's slots were filled. */
  index: number | null;
}

export type SlotChoice = { ok: true; slot: SlotDecision } | { ok: false; code: SodCode; reason: string };

/** Who may not be a version's independent VALIDATOR: its model's owners and its creator. */
export interface Independence {
  /** Parties (person ids) who own the model or created the version, as recorded when the request was opened and now. */
  ownerParties: readonly string[];
  /** Owners and creators only known as text (a name, an email, an ARN no person matches): compared to the actor's names. */
  ownerTexts: readonly string[];
}

/** The deciding actor as segregation of duties sees it. */
export interface Actor {
  /** The person (or, without one, the identity) deciding. */
  party: string;
  /** Every name the actor goes by: identity id, display name, email. Compared to owner texts. */
  names: readonly string[];
  roles: readonly Role[];
}

export interface DecisionSoFar {
  /** The party that decided. */
  party: string;
  slotRole: string;
  slotIndex: number | null;
}

const norm = (value: string) => value.trim().toLowerCase();

/**
 * True when the actor is the model's accountable owner or the version's creator: by party, or by any of their names
 * matching an owner text (case-insensitive, ignoring surrounding spaces). It errs on the side of refusing: a
 * validator who shares a name with the owner must ask a colleague.
 */
export function isOwnerOrCreator(actor: Pick<Actor, 'party' | 'names'>, independence: Independence): boolean {
  if (independence.ownerParties.includes(actor.party)) return true;
  const names = actor.names.filter((v) => v && v.trim() !== '').map(norm);
  return independence.ownerTexts.filter((v) => v && v.trim() !== '').some((owner) => names.includes(norm(owner)));
}

/**
 * The slot `actor` would fill on a request, or why they may not decide on it at all. Only a holder of exactly the
 * slot's role fills it (ADMIN holds no approver role by virtue of being ADMIN). A rejection needs no open slot: a
 * VALIDATOR who finds a problem after the VALIDATOR slot was filled can still stop the request.
 */
export function chooseSlot(input: {
  actor: Actor;
  requesterParty: string;
  slots: readonly Slot[];
  decisions: readonly DecisionSoFar[];
  independence: Independence;
  decision?: 'APPROVE' | 'REJECT';
}): SlotChoice {
  const { actor, requesterParty, slots, decisions, independence } = input;
  if (actor.party === requesterParty) {
    return { ok: false, code: 'SELF_APPROVAL', reason: 'You opened this request; someone else must decide on it.' };
  }
  if (decisions.some((d) => d.party === actor.party)) {
    return { ok: false, code: 'DUPLICATE_APPROVER', reason: 'You have already decided on this request; one person fills at most one slot.' };
  }
  // Exactly the slot's role, and only an approver role: an old snapshot's ADMIN slot is filled by nobody.
  const held = (s: Slot) => (APPROVER_ROLES as readonly string[]).includes(s.role) && actor.roles.includes(s.role);
  const ownerOrCreator = isOwnerOrCreator(actor, independence);
  const allowed = (s: Slot) => held(s) && !(ownerOrCreator && s.role === 'VALIDATOR');
  const filled = new Set(decisions.map((d) => `${d.slotRole}#${d.slotIndex}`));
  const open = slots.filter((s) => !filled.has(`${s.role}#${s.index}`));

  const mine = open.filter(allowed);
  if (mine.length > 0) return { ok: true, slot: mine[0] };
  if (!slots.some(held)) {
    const needed = [...new Set(open.length ? open.map((s) => s.role) : slots.map((s) => s.role))].join(' or ');
    return { ok: false, code: 'ROLE_REQUIRED', reason: `This request needs approval from ${needed}; you hold none of those roles.` };
  }
  if (ownerOrCreator && !slots.some((s) => held(s) && s.role !== 'VALIDATOR')) {
    return {
      ok: false,
      code: 'OWNER_CANNOT_VALIDATE',
      reason: "You are this model's accountable owner or this version's creator, so you cannot be its independent VALIDATOR.",
    };
  }
  const rejectAs = slots.find(allowed);
  if (input.decision === 'REJECT' && rejectAs) return { ok: true, slot: { role: rejectAs.role, index: null } };
  if (ownerOrCreator && open.some(held)) {
    return {
      ok: false,
      code: 'OWNER_CANNOT_VALIDATE',
      reason: "You are this model's accountable owner or this version's creator, so you cannot be its independent VALIDATOR.",
    };
  }
  return { ok: false, code: 'NO_OPEN_SLOT', reason: 'Every slot you could fill on this request is already filled.' };
}
