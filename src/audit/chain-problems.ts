/** The vocabulary of audit chain verification (chain-verification.ts), free of storage so the API can name it. */

/** What verification can find, each reported with where (first broken sequence, or the range). */
export const AUDIT_CHAIN_PROBLEM_KINDS = {
  EDITED: 'A stored hash does not match its event, or an event does not link to the one before: the first broken sequence.',
  MISSING: 'Sequence numbers missing inside the chain: the missing range.',
  TRUNCATED: 'Events a signed checkpoint covers are gone from the end of the chain: the missing range.',
  REHASHED: 'The chain is self-consistent but disagrees with a signed checkpoint: events in the range were rewritten and re-hashed.',
  BAD_SIGNATURE: 'A checkpoint whose signature does not verify with the trusted public keys (forged, altered, or an unknown key).',
  UNREADABLE_CHECKPOINT: 'A line of a checkpoint file that is not a checkpoint.',
} as const;

export type AuditChainProblemKind = keyof typeof AUDIT_CHAIN_PROBLEM_KINDS;

export interface AuditChainProblem {
  kind: AuditChainProblemKind;
  /** The first sequence concerned (for a range, its start). Null for a checkpoint file line. */
  sequence: number | null;
  fromSequence: number | null;
  toSequence: number | null;
  message: string;
}

export interface AuditChainReport {
  /** No problem of any kind. */
  valid: boolean;
  /** The first sequence where the chain is broken (edited, missing, truncated or rewritten); null when none is. */
  firstBrokenSeq: number | null;
  /** Events verified before the first break (all of them when valid). */
  checked: number;
  /** Events read. */
  eventsRead: number;
  /** The newest event in the database. */
  headSeq: number | null;
  /** The chain verifies from the first event through this one. */
  lastVerifiedSeq: number | null;
  /** The newest signed checkpoint the chain agrees with: everything up to it is anchored outside the database. */
  lastAnchoredSeq: number | null;
  /** Signed checkpoints compared with the chain (valid signatures; each distinct one once). */
  checkpointsChecked: number;
  /** False when no public key was available: checkpoints were not used, only the chain's own hashes. */
  signaturesChecked: boolean;
  problems: AuditChainProblem[];
  /** Problems beyond the reported ones (the list is capped so a wholesale rewrite stays readable). */
  problemsOmitted: number;
}
