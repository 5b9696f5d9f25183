import type { Executor } from '../db/client.js';
import type { ApprovalRow, ChangeRequestRow, ControlRequestRow } from '../db/schema/index.js';
import type { Principal } from '../auth/principal.js';
import { findPersonByEmail, findPersonById } from '../people/people.repository.js';
import type { VersionContext } from './change-request.repository.js';
import type { Actor, Independence } from './segregation.js';

/**
 * Who a principal or a stored decision stands for, for segregation of duties: the one place that says what counts
 * as "the same person". A party is the person's id; an identity without a person (a token not linked yet, a record
 * from before people) stands for itself.
 */

export function partyOf(principal: Pick<Principal, 'id' | 'personId'>): string {
  return principal.personId ?? principal.id;
}

export function requestParty(request: Pick<ChangeRequestRow, 'requesterId' | 'requesterPersonId'> | Pick<ControlRequestRow, 'requesterId' | 'requesterPersonId'>): string {
  return request.requesterPersonId ?? request.requesterId;
}

export function approvalParty(approval: Pick<ApprovalRow, 'approverId' | 'approverPersonId'>): string {
  return approval.approverPersonId ?? approval.approverId;
}

/**
 * The owners of a version, kept on its request when opened (`owners_at_request`) and worked out again at decision
 * time: the model's accountable owner, the vendor's owner of the model and the version's creator, each as text and,
 * where a person has that email (or the owner is recorded as a person), as that person.
 */
export interface OwnersAtRequest {
  accountableOwner?: string | null;
  accountableOwnerPersonId?: string | null;
  vendorOwner?: string | null;
  vendorOwnerPersonId?: string | null;
  versionCreatedBy?: string | null;
  versionCreatorPersonId?: string | null;
}

async function personIdByEmail(db: Executor, text: string | null): Promise<string | null> {
  if (!text || !text.includes('@')) return null;
  return (await findPersonByEmail(db, text))?.id ?? null;
}

export async function ownersOf(db: Executor, version: VersionContext): Promise<OwnersAtRequest> {
  return {
    accountableOwner: version.accountableOwner,
    accountableOwnerPersonId: version.accountableOwnerPersonId ?? (await personIdByEmail(db, version.accountableOwner)),
    vendorOwner: version.modelOwner,
    vendorOwnerPersonId: await personIdByEmail(db, version.modelOwner),
    versionCreatedBy: version.createdBy,
    versionCreatorPersonId: await personIdByEmail(db, version.createdBy),
  };
}

/** Owners at request time and now, all excluded from validating (see segregation.ts). */
export function independenceOf(...owners: OwnersAtRequest[]): Independence {
  const present = (values: Array<string | null | undefined>) => [...new Set(values.filter((v): v is string => typeof v === 'string' && v.trim() !== ''))];
  return {
    ownerParties: present(owners.flatMap((o) => [o.accountableOwnerPersonId, o.vendorOwnerPersonId, o.versionCreatorPersonId])),
    ownerTexts: present(owners.flatMap((o) => [o.accountableOwner, o.vendorOwner, o.versionCreatedBy])),
  };
}

/** The deciding principal as segregation of duties sees it: their party and every name they go by (identity, display name, email). */
export async function actorOf(db: Executor, principal: Principal): Promise<Actor> {
  const person = principal.personId ? await findPersonById(db, principal.personId) : null;
  const names = [principal.id, principal.displayName, person?.email, person?.displayName].filter((v): v is string => !!v);
  return { party: partyOf(principal), names, roles: principal.roles };
}
