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

/** Whether the source has any stored record of each kind; decides a run's first routes. */
export type StoredKinds = Record<EntityKind, boolean>;

/**
 * One run's route forecast, owned by whoever writes the run's batches (one per run, dropped with it). Each batch's
 * route follows the previous batch of the same kind: a listing's pages are alike (a first sync's are all new, a
 * re-sync's are nearly all stored), so the last page is a good forecast of the next. A run's first batch has no
 * previous one: it inserts first where the source has nothing stored of that kind yet (a first sync) and probes first
 * elsewhere (a re-sync never pays for a full payload it did not need).
 */
export class WriteRoutes {
  private readonly routes = new Map<EntityKind, WriteRoute>();
  private firstRoutesSet = false;

  /** Whether the run's first routes have been set (see {@link start}). */
  get started(): boolean {
    return this.firstRoutesSet;
  }

  /** The route for the run's next batch of this kind; undefined until the run has been started. */
  next(kind: EntityKind): WriteRoute | undefined {
    return this.routes.get(kind);
  }

  /** Sets the run's first routes from what its source has stored. */
  start(stored: StoredKinds): void {
    for (const kind of Object.keys(stored) as EntityKind[]) this.routes.set(kind, stored[kind] ? 'probe' : 'insert');
    this.firstRoutesSet = true;
  }

  /** Records what a batch found; when most of its records were new, the next batch inserts first. */
  record(kind: EntityKind, observation: RouteObservation): void {
    this.routes.set(kind, observation.stored * 2 < observation.records ? 'insert' : 'probe');
  }
}
