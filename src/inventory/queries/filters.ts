import { sql, type SQL } from 'drizzle-orm';
import type { DeploymentEnvironment, LifecycleState, ObservedStage, Vendor } from '../../../connectors/contract.js';
import type { FindingFilter, SyncRunFilter } from '../inventory-read.service.js';
import type { RiskTier } from './records.js';

/**
 * The filters BI combines (all conditions AND together; list values OR within a list). One vocabulary for models,
 * versions and deployments: each entity applies a condition through its own relations (a model "is in production"
 * when one of its live versions has a live production deployment).
 */
export interface InventoryFilter {
  vendors?: Vendor[] | null;
  sourceIds?: string[] | null;
  modelIds?: string[] | null;
  versionIds?: string[] | null;
  lifecycleStates?: LifecycleState[] | null;
  observedStages?: ObservedStage[] | null;
  riskTiers?: RiskTier[] | null;
  /** true: only models without a risk tier; false: only classified ones. */
  unclassified?: boolean | null;
  businessUnits?: string[] | null;
  /** Matches the vendor owner or the accountable owner (and, for versions, the creator). */
  owners?: string[] | null;
  deployed?: boolean | null;
  /** Serves production traffic: a live deployment that is active at the vendor and in the PRODUCTION environment. */
  inProduction?: boolean | null;
  /** Deployments in these environments (models and versions: with a live deployment in one of them). */
  environments?: DeploymentEnvironment[] | null;
  hasOpenFindings?: boolean | null;
  /** Tombstoned records are excluded unless true. */
  includeDeleted?: boolean | null;
  changedSince?: Date | null;
  changedBefore?: Date | null;
  /** Case-insensitive substring of name or description; `%` and `_` match literally. */
  search?: string | null;
  /** Every tag of the record itself (model, version or deployment) must match: key present, and equal to value when one is given. */
  tags?: Array<{ key: string; value?: string | null }> | null;
}

const texts = (values: readonly string[]) => sql`${sql.param(values)}::text[]`;
const uuids = (values: readonly string[]) => sql`${sql.param(values)}::uuid[]`;
const given = <T>(values: readonly T[] | null | undefined): values is readonly T[] => Array.isArray(values) && values.length > 0;

/** Escapes LIKE wildcards so a search for `50%_off` matches that text, not a pattern. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const ilike = (expression: SQL, search: string) => sql`${expression} ilike ${likePattern(search)} escape '\\'`;

function tagConditions(tagsColumn: SQL, tags: InventoryFilter['tags']): SQL[] {
  return (tags ?? []).map((tag) =>
    tag.value == null ? sql`(${tagsColumn} ->> ${tag.key}::text) is not null` : sql`(${tagsColumn} ->> ${tag.key}::text) = ${tag.value}::text`,
  );
}

function changedConditions(column: SQL, filter: InventoryFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.changedSince) conditions.push(sql`${column} >= ${filter.changedSince.toISOString()}::timestamptz`);
  if (filter.changedBefore) conditions.push(sql`${column} < ${filter.changedBefore.toISOString()}::timestamptz`);
  return conditions;
}

const bool = (value: boolean, condition: SQL) => (value ? condition : sql`not ${condition}`);

/** Conditions on model columns (`m`, `s`), shared by every entity that reaches a model. */
function modelLevel(filter: InventoryFilter): SQL[] {
  const c: SQL[] = [];
  if (given(filter.riskTiers)) c.push(sql`m.risk_tier = any(${texts(filter.riskTiers)})`);
  if (filter.unclassified != null) c.push(filter.unclassified ? sql`m.risk_tier is null` : sql`m.risk_tier is not null`);
  if (given(filter.businessUnits)) c.push(sql`m.business_unit = any(${texts(filter.businessUnits)})`);
  return c;
}

/** Conditions on version columns (`v`). */
function versionLevel(filter: InventoryFilter): SQL[] {
  const c: SQL[] = [];
  if (given(filter.lifecycleStates)) c.push(sql`v.lifecycle_state = any(${texts(filter.lifecycleStates)})`);
  if (given(filter.observedStages)) c.push(sql`v.observed_stage = any(${texts(filter.observedStages)})`);
  return c;
}

/** A live deployment of the version `versionId`, meeting `condition` (on `dx`) when one is given. */
const liveDeploymentOf = (versionId: SQL, condition?: SQL) =>
  sql`exists (select 1 from deployments dx where dx.version_id = ${versionId} and dx.deleted_at is null${condition ? sql` and ${condition}` : sql``})`;

/** Deployment-level conditions a version meets through its live deployments (`dx`), each as its own EXISTS. */
function throughDeployments(filter: InventoryFilter): Array<[flag: boolean, condition: SQL | undefined]> {
  const c: Array<[boolean, SQL | undefined]> = [];
  if (filter.deployed != null) c.push([filter.deployed, undefined]);
  if (filter.inProduction != null) c.push([filter.inProduction, sql`dx.serving_production`]);
  if (given(filter.environments)) c.push([true, sql`dx.environment = any(${texts(filter.environments)})`]);
  return c;
}

export function modelConditions(filter: InventoryFilter): SQL[] {
  const c: SQL[] = [];
  if (!filter.includeDeleted) c.push(sql`m.deleted_at is null`);
  if (given(filter.vendors)) c.push(sql`s.vendor = any(${texts(filter.vendors)})`);
  if (given(filter.sourceIds)) c.push(sql`m.source_id = any(${uuids(filter.sourceIds)})`);
  if (given(filter.modelIds)) c.push(sql`m.id = any(${uuids(filter.modelIds)})`);
  c.push(...modelLevel(filter));
  if (given(filter.owners)) c.push(sql`(m.owner = any(${texts(filter.owners)}) or m.accountable_owner = any(${texts(filter.owners)}))`);
  const versionConditions = versionLevel(filter);
  if (given(filter.versionIds)) versionConditions.push(sql`v.id = any(${uuids(filter.versionIds)})`);
  if (versionConditions.length) {
    c.push(sql`exists (select 1 from model_versions v where v.model_id = m.id and v.deleted_at is null and ${sql.join(versionConditions, sql` and `)})`);
  }
  for (const [flag, condition] of throughDeployments(filter)) {
    c.push(bool(flag, sql`exists (select 1 from model_versions v where v.model_id = m.id and v.deleted_at is null and ${liveDeploymentOf(sql`v.id`, condition)})`));
  }
  if (filter.hasOpenFindings != null) {
    c.push(
      bool(
        filter.hasOpenFindings,
        sql`exists (select 1 from findings fx where fx.resolved_at is null and (fx.entity_id = m.id or fx.entity_id in (select v.id from model_versions v where v.model_id = m.id)))`,
      ),
    );
  }
  c.push(...changedConditions(sql`m.last_changed_at`, filter));
  if (filter.search) c.push(sql`(${ilike(sql`m.name`, filter.search)} or ${ilike(sql`m.description`, filter.search)})`);
  c.push(...tagConditions(sql`m.tags`, filter.tags));
  return c;
}

/** Versions: `v` joined with its model `m` (left: a version may precede its model) and source `vs`. */
export function versionConditions(filter: InventoryFilter): SQL[] {
  const c: SQL[] = [];
  if (!filter.includeDeleted) c.push(sql`v.deleted_at is null`);
  if (given(filter.vendors)) c.push(sql`vs.vendor = any(${texts(filter.vendors)})`);
  if (given(filter.sourceIds)) c.push(sql`v.source_id = any(${uuids(filter.sourceIds)})`);
  if (given(filter.modelIds)) c.push(sql`v.model_id = any(${uuids(filter.modelIds)})`);
  if (given(filter.versionIds)) c.push(sql`v.id = any(${uuids(filter.versionIds)})`);
  c.push(...modelLevel(filter), ...versionLevel(filter));
  if (given(filter.owners)) {
    const owners = texts(filter.owners);
    c.push(sql`(m.owner = any(${owners}) or m.accountable_owner = any(${owners}) or v.created_by = any(${owners}))`);
  }
  for (const [flag, condition] of throughDeployments(filter)) c.push(bool(flag, liveDeploymentOf(sql`v.id`, condition)));
  if (filter.hasOpenFindings != null) {
    c.push(bool(filter.hasOpenFindings, sql`exists (select 1 from findings fx where fx.resolved_at is null and fx.entity_id = v.id)`));
  }
  c.push(...changedConditions(sql`v.last_changed_at`, filter));
  if (filter.search) c.push(sql`(${ilike(sql`m.name`, filter.search)} or ${ilike(sql`v.description`, filter.search)})`);
  c.push(...tagConditions(sql`v.tags`, filter.tags));
  return c;
}

/** Deployments: `d` left-joined with its version `v`, model `m`, and source `ds`. */
export function deploymentConditions(filter: InventoryFilter): SQL[] {
  const c: SQL[] = [];
  if (!filter.includeDeleted) c.push(sql`d.deleted_at is null`);
  if (given(filter.vendors)) c.push(sql`ds.vendor = any(${texts(filter.vendors)})`);
  if (given(filter.sourceIds)) c.push(sql`d.source_id = any(${uuids(filter.sourceIds)})`);
  if (given(filter.modelIds)) c.push(sql`v.model_id = any(${uuids(filter.modelIds)})`);
  if (given(filter.versionIds)) c.push(sql`d.version_id = any(${uuids(filter.versionIds)})`);
  c.push(...modelLevel(filter), ...versionLevel(filter));
  if (given(filter.owners)) c.push(sql`(m.owner = any(${texts(filter.owners)}) or m.accountable_owner = any(${texts(filter.owners)}))`);
  // Every deployment is deployed; `deployed: false` therefore matches none.
  if (filter.deployed === false) c.push(sql`false`);
  if (filter.inProduction != null) c.push(filter.inProduction ? sql`d.serving_production` : sql`not d.serving_production`);
  if (given(filter.environments)) c.push(sql`d.environment = any(${texts(filter.environments)})`);
  if (filter.hasOpenFindings != null) {
    c.push(bool(filter.hasOpenFindings, sql`exists (select 1 from findings fx where fx.resolved_at is null and (fx.entity_id = d.id or fx.entity_id = d.version_id))`));
  }
  c.push(...changedConditions(sql`d.last_changed_at`, filter));
  if (filter.search) c.push(sql`(${ilike(sql`d.name`, filter.search)} or ${ilike(sql`m.name`, filter.search)})`);
  c.push(...tagConditions(sql`d.tags`, filter.tags));
  return c;
}

/** Sync runs: `r`. */
export function syncRunConditions(filter: SyncRunFilter): SQL[] {
  const c: SQL[] = [];
  if (given(filter.sourceIds)) c.push(sql`r.source_id = any(${uuids(filter.sourceIds)})`);
  if (given(filter.statuses)) c.push(sql`r.status = any(${texts(filter.statuses)})`);
  if (filter.startedSince) c.push(sql`r.started_at >= ${filter.startedSince.toISOString()}::timestamptz`);
  if (filter.startedBefore) c.push(sql`r.started_at < ${filter.startedBefore.toISOString()}::timestamptz`);
  return c;
}

/** Findings: `f`. */
export function findingConditions(filter: FindingFilter): SQL[] {
  const c: SQL[] = [];
  if (given(filter.kinds)) c.push(sql`f.kind = any(${texts(filter.kinds)})`);
  if (given(filter.sourceIds)) c.push(sql`f.source_id = any(${uuids(filter.sourceIds)})`);
  if (given(filter.entityIds)) c.push(sql`f.entity_id = any(${uuids(filter.entityIds)})`);
  if (filter.open != null) c.push(filter.open ? sql`f.resolved_at is null` : sql`f.resolved_at is not null`);
  if (filter.openedSince) c.push(sql`f.opened_at >= ${filter.openedSince.toISOString()}::timestamptz`);
  return c;
}
