import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { queryRows } from '../../db/sql.js';
import { versionConditions, type InventoryFilter } from './filters.js';
import { whereClause } from './keyset.js';

/** Dimensions a dashboard can group the inventory by. */
export const STATS_DIMENSIONS = ['VENDOR', 'SOURCE', 'LIFECYCLE_STATE', 'OBSERVED_STAGE', 'RISK_TIER', 'BUSINESS_UNIT', 'FINDING_KIND', 'IN_PRODUCTION'] as const;
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];

/** One group: the value of each requested dimension (others undefined) and its counts. */
export interface StatsGroup {
  vendor?: string | null;
  sourceId?: string | null;
  lifecycleState?: string | null;
  observedStage?: string | null;
  riskTier?: string | null;
  businessUnit?: string | null;
  findingKind?: string | null;
  inProduction?: boolean | null;
  /** Model versions in the group. */
  versionCount: number;
  /** Distinct models those versions belong to. */
  modelCount: number;
}

const DIMENSION_SQL: Record<StatsDimension, [key: keyof StatsGroup, expression: string]> = {
  VENDOR: ['vendor', 'vs.vendor'],
  SOURCE: ['sourceId', 'v.source_id'],
  LIFECYCLE_STATE: ['lifecycleState', 'v.lifecycle_state'],
  OBSERVED_STAGE: ['observedStage', 'v.observed_stage'],
  RISK_TIER: ['riskTier', 'm.risk_tier'],
  BUSINESS_UNIT: ['businessUnit', 'm.business_unit'],
  FINDING_KIND: ['findingKind', 'fk.kind'],
  IN_PRODUCTION: ['inProduction', 'exists (select 1 from deployments dp where dp.version_id = v.id and dp.deleted_at is null and dp.serving_production)'],
};

/**
 * Grouped counts in one statement. The grain is the model version (the governed unit); FINDING_KIND joins the open
 * findings of the version or its model, so a version with two kinds of finding counts once in each kind's group,
 * and versions without findings fall in the null group.
 */
export async function inventoryStats(db: Executor, groupBy: readonly StatsDimension[], filter: InventoryFilter): Promise<StatsGroup[]> {
  const dimensions = [...new Set(groupBy)].map((dimension) => DIMENSION_SQL[dimension]);
  const selected: SQL[] = dimensions.map(([key, expression]) => sql.raw(`${expression} as "${key}"`));
  const findingsJoin = groupBy.includes('FINDING_KIND')
    ? sql`left join findings fk on fk.resolved_at is null and (fk.entity_id = v.id or fk.entity_id = v.model_id)`
    : sql``;
  // Without the findings join every row is one version, so a plain count does (and skips a sort per group).
  const versionCount = groupBy.includes('FINDING_KIND') ? sql`count(distinct v.id)::int` : sql`count(*)::int`;
  const grouping = dimensions.length ? sql.raw(`group by ${dimensions.map((_, i) => i + 1).join(', ')} order by ${dimensions.map((_, i) => i + 1).join(', ')}`) : sql``;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select ${sql.join([...selected, sql`${versionCount} as "versionCount"`, sql`count(distinct v.model_id)::int as "modelCount"`], sql`, `)}
        from model_versions v
        join sources vs on vs.id = v.source_id
        left join models m on m.id = v.model_id
        ${findingsJoin}
        ${whereClause(versionConditions(filter))}
        ${grouping}`,
  );
  return rows.map((row) => ({ ...row, versionCount: Number(row.versionCount), modelCount: Number(row.modelCount) }) as StatsGroup);
}
