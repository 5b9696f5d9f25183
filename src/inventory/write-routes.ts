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

/** Whether the source has any stored record of each kind; decides a run's first routes. */
export type StoredKinds = Record<EntityKind, boolean>;

/**
 * Chooses each batch's route from the previous batch of the same run and kind: a listing's pages are alike (a first
 * sync's are all new, a re-sync's are nearly all stored), so the last page is a good forecast of the next. A run's
 * first batch has no previous one: it inserts first where the source has nothing stored of that kind yet (a first
 * sync) and probes first elsewhere (a re-sync never pays for a full payload it did not need).
 */
export class WriteRoutes {
  private readonly runs = new Map<string, Map<EntityKind, WriteRoute>>();

  /** The route for the run's next batch of this kind; undefined until the run has been started. */
  next(runId: string, kind: EntityKind): WriteRoute | undefined {
    return this.runs.get(runId)?.get(kind);
  }

  /** Sets a run's first routes from what its source has stored. */
  start(runId: string, stored: StoredKinds): void {
    const kinds = this.kindsOf(runId);
    for (const kind of Object.keys(stored) as EntityKind[]) kinds.set(kind, stored[kind] ? 'probe' : 'insert');
  }

  /** Records what a batch found; when most of its records were new, the next batch inserts first. */
  record(runId: string, kind: EntityKind, observation: RouteObservation): void {
    this.kindsOf(runId).set(kind, observation.stored * 2 < observation.records ? 'insert' : 'probe');
  }

  private kindsOf(runId: string): Map<EntityKind, WriteRoute> {
    let kinds = this.runs.get(runId);
    if (!kinds) {
      if (this.runs.size >= MAX_RUNS) this.runs.delete(this.runs.keys().next().value!);
      kinds = new Map();
      this.runs.set(runId, kinds);
    }
    return kinds;
  }

  /** Forgets a run (it finished or was abandoned). */
  forget(runId: string): void {
    this.runs.delete(runId);
  }
}
