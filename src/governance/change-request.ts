import type { ApprovalRecord, ChangeRequestRecord } from './records.js';
import { slotsFor, type PolicySnapshot, type Slot } from './policies.js';

/** Change request statuses. Only PENDING is open; every other one is final. */
export const CHANGE_REQUEST_STATUSES = ['PENDING', 'APPLIED', 'REJECTED', 'CANCELLED', 'EXPIRED', 'SUPERSEDED'] as const;
export type ChangeRequestStatus = (typeof CHANGE_REQUEST_STATUSES)[number];

/** Delivery of an applied change to the vendor. Null on the request until it is applied. */
export const WRITE_BACK_STATUSES = ['PENDING', 'DONE', 'FAILED', 'UNSUPPORTED'] as const;
export type WriteBackState = (typeof WRITE_BACK_STATUSES)[number];

/**
 * A request's write-back status from the statuses of its outbox rows (one per state change it made): FAILED if any
 * failed; else PENDING while any is still to be delivered; else DONE when the vendor applied every one; else
 * UNSUPPORTED (the vendor could not take at least one of them).
 */
export function writeBackStateOf(rowStatuses: readonly string[]): WriteBackState {
  if (rowStatuses.includes('FAILED')) return 'FAILED';
  if (rowStatuses.some((status) => status === 'PENDING' || status === 'IN_PROGRESS')) return 'PENDING';
  return rowStatuses.every((status) => status === 'DONE') ? 'DONE' : 'UNSUPPORTED';
}

export interface Evidence {
  title: string;
  url: string;
}

/** A slot of a request with the decision that filled it, if any. */
export interface SlotState extends Slot {
  approval: ApprovalRecord | null;
}

export function snapshotOf(request: Pick<ChangeRequestRecord, 'policySnapshot'>): PolicySnapshot {
  return request.policySnapshot as unknown as PolicySnapshot;
}

/** The request's slots in policy order, each with the approval filling it. */
export function slotStates(request: Pick<ChangeRequestRecord, 'policySnapshot'>, decisions: readonly ApprovalRecord[]): SlotState[] {
  return slotsFor(snapshotOf(request).requirements).map((slot) => ({
    ...slot,
    approval: decisions.find((a) => a.slotRole === slot.role && a.slotIndex === slot.index) ?? null,
  }));
}
