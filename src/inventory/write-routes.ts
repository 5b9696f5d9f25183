import type { EntityKind } from './entity-specs.js';

/**
 * How the writer sends one kind of record of a batch: `probe` first finds the stored, unchanged records by key and
 * hash and upserts the rest; `insert` first inserts whatever is not stored yet. Both write the same rows and the
 * same change log; they differ in cost. The probe route is the cheap one when most records are stored (a re-sync
 * sends keys only, then the few changed records), the insert route when most are new (a first sync skips a probe
 * that would find nothing and needs no read of old values).
 */
export type WriteRoute = 'probe' | 'insert';

/** What one batch of one kind found: how many records it had and how many of them were stored already. */
export interface RouteObservation {
  records: number;
  stored: number;
}

/** Runs remembered at once; a run that never finishes (its worker died) must not grow the map forever. */
const MAX_RUNS = 256;

/**
 * Chooses each batch's route from the previous batch of the same run and kind: a listing's pages are alike (a first
 * sync's are all new, a re-sync's are nearly all stored), so the last page is a good forecast of the next. A run's
 * first batch takes the probe route, which costs a first sync one keys-only statement per kind and never costs a
 * re-sync a full payload it did not need.
 */
export class WriteRoutes {
  private readonly runs = new Map<string, Map<EntityKind, WriteRoute>>();

  /** The route for the run's next batch of this kind. */
  next(runId: string, kind: EntityKind): WriteRoute {
    return this.runs.get(runId)?.get(kind) ?? 'probe';
  }

  /** Records what a batch found; when most of its records were new, the next batch inserts first. */
  record(runId: string, kind: EntityKind, observation: RouteObservation): void {
    let kinds = this.runs.get(runId);
    if (!kinds) {
      if (this.runs.size >= MAX_RUNS) this.runs.delete(this.runs.keys().next().value!);
      kinds = new Map();
      this.runs.set(runId, kinds);
    }
    kinds.set(kind, observation.stored * 2 < observation.records ? 'insert' : 'probe');
  }

  /** Forgets a run (it finished or was abandoned). */
  forget(runId: string): void {
    this.runs.delete(runId);
  }
}
