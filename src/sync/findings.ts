import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import { systemPrincipal } from '../auth/principal.js';
import type { StateDivergence } from '../audit/state-replay-diff.js';

/**
 * Governance findings derived from observed state. Each kind is a set-based query of the entities that violate a
 * rule right now; reconciling opens what is new (at most once: the partial unique index on open findings) and
 * resolves what no longer holds. Opened and resolved findings are audited; nothing is silently dropped.
 */
export const FINDING_KINDS = ['UNGOVERNED_PRODUCTION', 'MISSING_OWNER', 'STALE_SOURCE', 'ORPHAN_DEPLOYMENT', 'STATE_DIVERGES_FROM_AUDIT'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

interface Violation {
  entity_kind: string;
  entity_id: string;
  message: string;
}

/**
 * "Observed in production": the vendor's stage for the version is PRODUCTION, or a live deployment serves it in
 * production (`serving_production`: active at the vendor AND in the PRODUCTION environment by the source's environment
 * rule, so a staging endpoint never counts).
 */
const OBSERVED_IN_PRODUCTION = sql`(v.observed_stage = 'PRODUCTION' or exists (
  select 1 from deployments d where d.version_id = v.id and d.deleted_at is null and d.serving_production))`;

const RULES: Record<Exclude<FindingKind, 'STALE_SOURCE' | 'STATE_DIVERGES_FROM_AUDIT'>, (sourceId: string) => SQL> = {
  UNGOVERNED_PRODUCTION: (sourceId) => sql`
    select 'version' as entity_kind, v.id as entity_id,
      'Version ' || v.version || ' of ' || coalesce(m.name, v.model_external_id, '?') || ' serves production at the vendor but its governed state is ' || v.lifecycle_state as message
    from model_versions v left join models m on m.id = v.model_id
    where v.source_id = ${sourceId} and v.deleted_at is null and v.lifecycle_state <> 'PRODUCTION' and ${OBSERVED_IN_PRODUCTION}`,
  MISSING_OWNER: (sourceId) => sql`
    select 'model' as entity_kind, m.id as entity_id,
      'Model ' || m.name || ' is in production but has no accountable owner' as message
    from models m
    where m.source_id = ${sourceId} and m.deleted_at is null and m.accountable_owner is null
      and exists (select 1 from model_versions v where v.model_id = m.id and v.deleted_at is null
                  and (v.lifecycle_state = 'PRODUCTION' or ${OBSERVED_IN_PRODUCTION}))`,
  ORPHAN_DEPLOYMENT: (sourceId) => sql`
    select 'deployment' as entity_kind, d.id as entity_id,
      'Deployment ' || d.name || ' serves a version the hub cannot resolve (' || coalesce(d.version_external_id, 'no version reference') || ')' as message
    from deployments d
    where d.source_id = ${sourceId} and d.deleted_at is null and d.version_id is null`,
};

export interface ReconcileResult {
  opened: number;
  resolved: number;
}

export class FindingsReconciler {
  constructor(private readonly audit: AuditRecorder) {}

  /** Recomputes the source-scoped findings of one source (call inside one transaction after a sync). */
  async reconcileSource(tx: Executor, sourceId: string, requestId: string | null): Promise<ReconcileResult> {
    // Right after a source's first sync the planner's statistics still describe near-empty tables, and it re-runs a
    // rule's whole query once per open finding (a nested-loop anti-join: minutes at 100k versions). Hash joins are
    // linear whatever the statistics say; JIT-compiling these one-off statements costs more than it saves.
    await tx.execute(sql`SET LOCAL enable_nestloop = off`);
    await tx.execute(sql`SET LOCAL jit = off`);
    await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
    let opened = 0;
    let resolved = 0;
    for (const [kind, rule] of Object.entries(RULES) as Array<[FindingKind, (id: string) => SQL]>) {
      const result = await this.reconcile(tx, kind, sql`f.source_id = ${sourceId}`, sourceId, rule(sourceId), requestId);
      opened += result.opened;
      resolved += result.resolved;
    }
    return { opened, resolved };
  }

  /** Opens STALE_SOURCE for enabled sources without a successful run for longer than `staleHours`; resolves the rest. */
  async reconcileStaleSources(tx: Executor, staleHours: number, requestId: string | null): Promise<ReconcileResult> {
    const violations = sql`
      select 'source' as entity_kind, s.id as entity_id, s.id as source_id,
        'Source ' || s.name || ' has had no successful sync for more than ' || ${staleHours}::int || ' hours' as message
      from sources s
      where s.deleted_at is null and s.enabled
        and coalesce(s.last_success_at, s.created_at) < now() - make_interval(hours => ${staleHours}::int)`;
    return this.reconcile(tx, 'STALE_SOURCE', sql`true`, null, violations, requestId);
  }

  /**
   * Opens STATE_DIVERGES_FROM_AUDIT for each entity whose row disagrees with the audit trail (one finding per entity,
   * its divergences in the message) and resolves those that agree again. `complete: false` (the report was capped)
   * opens only: an entity missing from a capped list has not been shown to agree.
   */
  async reconcileStateDivergences(tx: Executor, divergences: readonly StateDivergence[], complete: boolean, requestId: string | null): Promise<ReconcileResult> {
    const byEntity = new Map<string, { kind: string; id: string; sourceId: string | null; messages: string[] }>();
    for (const d of divergences) {
      const entry = byEntity.get(d.entityId) ?? { kind: d.entityKind === 'model_version' ? 'version' : d.entityKind, id: d.entityId, sourceId: d.sourceId, messages: [] };
      entry.messages.push(d.message);
      byEntity.set(d.entityId, entry);
    }
    const entries = [...byEntity.values()];
    const violations = sql`
      select v.entity_kind, v.entity_id, v.source_id, v.message
      from unnest(${sql.param(entries.map((e) => e.kind))}::text[], ${sql.param(entries.map((e) => e.id))}::uuid[],
                  ${sql.param(entries.map((e) => e.sourceId))}::uuid[], ${sql.param(entries.map((e) => e.messages.join(' ')))}::text[])
        as v(entity_kind, entity_id, source_id, message)`;
    return this.reconcile(tx, 'STATE_DIVERGES_FROM_AUDIT', complete ? sql`true` : sql`false`, null, violations, requestId);
  }

  private async reconcile(tx: Executor, kind: FindingKind, scope: SQL, sourceId: string | null, violations: SQL, requestId: string | null): Promise<ReconcileResult> {
    const sourceColumn = sourceId === null ? sql`v.source_id` : sql`${sourceId}::uuid`;
    const opened = await queryRows<{ id: string; entity_kind: string; entity_id: string; message: string }>(
      tx,
      sql`with v as (${violations})
          insert into findings (kind, source_id, entity_kind, entity_id, message)
          select ${kind}, ${sourceColumn}, v.entity_kind, v.entity_id, v.message from v
          on conflict (kind, entity_id) where resolved_at is null do nothing
          returning id, entity_kind, entity_id::text, message`,
    );
    const resolved = await queryRows<{ id: string; entity_kind: string; entity_id: string; message: string }>(
      tx,
      sql`with v as (${violations})
          update findings f set resolved_at = now()
          where f.kind = ${kind} and f.resolved_at is null and ${scope}
            and not exists (select 1 from v where v.entity_id = f.entity_id)
          returning f.id, f.entity_kind, f.entity_id::text, f.message`,
    );
    const actor = systemPrincipal('findings');
    await this.audit.record(tx, [
      ...opened.map((f) => ({ actor, action: 'finding.opened', entityKind: 'finding', entityId: f.id, after: { kind, entityKind: f.entity_kind, entityId: f.entity_id, message: f.message }, requestId })),
      ...resolved.map((f) => ({ actor, action: 'finding.resolved', entityKind: 'finding', entityId: f.id, before: { kind, entityKind: f.entity_kind, entityId: f.entity_id, message: f.message }, requestId })),
    ]);
    return { opened: opened.length, resolved: resolved.length };
  }
}
