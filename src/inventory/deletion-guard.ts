import { InputError } from '../errors.js';
import type { DeletionDecision } from './types.js';

/** Default largest share of a source's live records one complete listing may tombstone. */
export const DEFAULT_MAX_DELETE_SHARE = 0.5;

/** What a complete listing would tombstone. */
export interface ListingTally {
  /** Records (all kinds) the run saw. */
  seen: number;
  /** Live (not tombstoned) records of the source before tombstoning. */
  liveBefore: number;
  /** Live records the listing no longer had. */
  wouldDelete: number;
}

export interface GuardVerdict {
  decision: Extract<DeletionDecision, 'APPLIED' | 'REFUSED_EMPTY' | 'REFUSED_SHARE'>;
  reason: string;
  /** wouldDelete / liveBefore (0 when nothing was live). */
  share: number;
}

/**
 * The deletion guard: an empty listing of a source with records stored far more often means a vendor or credential
 * fault than an empty estate, and a listing missing most records more often means a vendor paging bug than a mass
 * retirement. Both are refused rather than wiping the inventory; anything else is applied.
 */
export function judgeDeletion(tally: ListingTally, maxDeleteShare: number): GuardVerdict {
  assertShare(maxDeleteShare);
  const share = tally.liveBefore > 0 ? tally.wouldDelete / tally.liveBefore : 0;
  // An empty listing is suspicious only when it would remove something: with nothing stored there is nothing to guard.
  if (tally.seen === 0 && tally.liveBefore === 0) {
    return { decision: 'APPLIED', share, reason: 'The listing was empty and the source had no records stored: nothing to tombstone.' };
  }
  if (tally.seen === 0) {
    return {
      decision: 'REFUSED_EMPTY',
      share,
      reason: `Nothing was tombstoned: the listing came back empty, which would have removed all ${tally.liveBefore} live records.`,
    };
  }
  if (share > maxDeleteShare) {
    return {
      decision: 'REFUSED_SHARE',
      share,
      reason:
        `Nothing was tombstoned: ${tally.wouldDelete} of ${tally.liveBefore} live records (${percent(share)}) are missing from the listing, ` +
        `more than the ${percent(maxDeleteShare)} allowed.`,
    };
  }
  return {
    decision: 'APPLIED',
    share,
    reason:
      tally.wouldDelete === 0
        ? 'No record was missing from the listing.'
        : `${tally.wouldDelete} of ${tally.liveBefore} live records (${percent(share)}) were missing from the listing and were tombstoned.`,
  };
}

/** Throws InputError unless the share is a number from 0 to 1. */
export function assertShare(maxDeleteShare: number): void {
  if (!(Number.isFinite(maxDeleteShare) && maxDeleteShare >= 0 && maxDeleteShare <= 1)) {
    throw new InputError('maxDeleteShare must be a number from 0 to 1', [{ path: 'maxDeleteShare', message: `got ${maxDeleteShare}` }]);
  }
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
