import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { StateReplayService, StateVerification } from '../audit/state-replay.service.js';
import type { FindingsReconciler, ReconcileResult } from './findings.js';

/** Divergences kept for findings: enough for any real estate; beyond it findings are opened but none resolved. */
const MAX_DIVERGENCES_FOR_FINDINGS = 100_000;

/**
 * Turns the state replay into STATE_DIVERGES_FROM_AUDIT findings: replays, then opens a finding per divergent entity
 * and resolves those that agree again. The maintenance sweep calls `reconcileIfDue` every minute; it replays when
 * `everyMs` has passed since this process last did (the first time one interval after start).
 */
export class StateDivergenceFindings {
  private lastRun: number;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly deps: { db: Db; replay: Pick<StateReplayService, 'verify'>; findings: FindingsReconciler; logger: Pick<Logger, 'info' | 'warn'>; everyMs: number | null; now?: () => number },
  ) {
    this.lastRun = this.now();
  }

  async reconcile(requestId: string | null = null): Promise<{ verification: StateVerification } & ReconcileResult> {
    const verification = await this.deps.replay.verify({ maxDivergences: MAX_DIVERGENCES_FOR_FINDINGS });
    const result = await this.deps.db.transaction((tx) => this.deps.findings.reconcileStateDivergences(tx, verification.divergences, !verification.truncated, requestId));
    const log = { events: verification.eventsReplayed, divergences: verification.divergenceCount, ...result, durationMs: verification.durationMs };
    if (verification.consistent) this.deps.logger.info(log, 'governed state agrees with the audit trail');
    else this.deps.logger.warn(log, 'governed state diverges from the audit trail');
    return { verification, ...result };
  }

  /** Replays when due; one replay at a time per process. */
  async reconcileIfDue(): Promise<void> {
    if (this.deps.everyMs === null || this.running || this.now() - this.lastRun < this.deps.everyMs) return;
    this.lastRun = this.now();
    this.running = this.reconcile().finally(() => (this.running = null));
    await this.running;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}
