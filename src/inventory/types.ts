import type { RecordError } from '../../connectors/contract.js';

/** Identifies the run a batch belongs to. */
export interface WriteContext {
  sourceId: string;
  runId: string;
}

/** What one batch did to the inventory. */
export interface BatchResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Records that could not be written (bad values), reported as errors; the rest of the batch went through. */
  failed: number;
  /** Deployments whose version could not be resolved (kept with an empty link). */
  unresolvedDeployments: string[];
  /** Versions whose model could not be resolved (kept with an empty link). */
  unresolvedVersions: string[];
  errors: RecordError[];
}

export type DeletionDecision = 'APPLIED' | 'REFUSED_EMPTY' | 'REFUSED_SHARE' | 'SKIPPED_INCOMPLETE';

/** The deletion guard's verdict after a listing; stored on the run. */
export interface TombstoneResult {
  decision: DeletionDecision;
  /** Why, in words (for the run page and logs). */
  reason: string;
  /** Records tombstoned (0 unless APPLIED). */
  deleted: number;
  /** Records the listing no longer had. */
  wouldDelete: number;
  /** wouldDelete / live records before the run. */
  share: number;
}
