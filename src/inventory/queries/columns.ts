import { sql, type SQL } from 'drizzle-orm';

/**
 * Column lists of the read models, written once and rendered two ways: as a SELECT list (top-level rows) and as a
 * json_build_object (rows nested by look-ahead queries). Both come out camelCased, so one mapper reads either.
 * Expressions are static SQL (never user input), hence sql.raw.
 */
type Kind = 'date' | 'number';
export type Column = readonly [key: string, expression: string, kind?: Kind];

const toDate = (value: unknown): Date | null => (value == null ? null : value instanceof Date ? value : new Date(value as string));

export interface ColumnSet<T> {
  /** `expr as "key", …` */
  select: SQL;
  /** `json_build_object('key', expr, …)` */
  json: SQL;
  /** The `'key', expr, …` arguments alone, for objects that add nested keys of their own. */
  jsonFields: SQL;
  /** Normalises a raw row (pg and PGlite disagree on timestamps and int8; JSON has only strings and numbers). */
  map: (row: Record<string, unknown>) => T;
}

export function columnSet<T>(columns: readonly Column[]): ColumnSet<T> {
  const dates = columns.filter(([, , kind]) => kind === 'date').map(([key]) => key);
  const numbers = columns.filter(([, , kind]) => kind === 'number').map(([key]) => key);
  return {
    select: sql.raw(columns.map(([key, expression]) => `${expression} as "${key}"`).join(', ')),
    json: sql.raw(`json_build_object(${columns.map(([key, expression]) => `'${key}', ${expression}`).join(', ')})`),
    jsonFields: sql.raw(columns.map(([key, expression]) => `'${key}', ${expression}`).join(', ')),
    map: (row) => {
      for (const key of dates) row[key] = toDate(row[key]);
      for (const key of numbers) if (row[key] != null) row[key] = Number(row[key]);
      return row as T;
    },
  };
}

const vendorRecord = (alias: string, withAttributes: boolean): Column[] => [
  ['id', `${alias}.id`],
  ['sourceId', `${alias}.source_id`],
  ['externalId', `${alias}.external_id`],
  ...(withAttributes ? [['vendorAttributes', `${alias}.vendor_attributes`] as Column] : []),
  ['vendorCreatedAt', `${alias}.vendor_created_at`, 'date'],
  ['vendorUpdatedAt', `${alias}.vendor_updated_at`, 'date'],
  ['firstSeenAt', `${alias}.first_seen_at`, 'date'],
  ['lastChangedAt', `${alias}.last_changed_at`, 'date'],
  ['deletedAt', `${alias}.deleted_at`, 'date'],
];

/** Model columns; expects `m` (models) and `s` (sources) in scope. */
export const modelColumns = (withAttributes = true): Column[] => [
  ...vendorRecord('m', withAttributes),
  ['vendor', 's.vendor'],
  ['name', 'm.name'],
  ['description', 'm.description'],
  ['owner', 'm.owner'],
  ['tags', 'm.tags'],
  ['deepLink', 'm.deep_link'],
  ['riskTier', 'm.risk_tier'],
  ['businessUnit', 'm.business_unit'],
  ['accountableOwner', 'm.accountable_owner'],
];

/** Version columns; expects `v` (model_versions) and `vs` (its source) in scope. */
export const versionColumns = (withAttributes = true): Column[] => [
  ...vendorRecord('v', withAttributes),
  ['vendor', 'vs.vendor'],
  ['modelId', 'v.model_id'],
  ['modelExternalId', 'v.model_external_id'],
  ['version', 'v.version'],
  ['versionNumber', 'v.version_number', 'number'],
  ['description', 'v.description'],
  ['observedStage', 'v.observed_stage'],
  ['observedStageRaw', 'v.observed_stage_raw'],
  ['status', 'v.status'],
  ['statusRaw', 'v.status_raw'],
  ['createdBy', 'v.created_by'],
  ['artifactUri', 'v.artifact_uri'],
  ['lineage', 'v.lineage'],
  ['metrics', 'v.metrics'],
  ['params', 'v.params'],
  ['tags', 'v.tags'],
  ['deepLink', 'v.deep_link'],
  ['lifecycleState', 'v.lifecycle_state'],
  ['lifecycleChangedAt', 'v.lifecycle_changed_at', 'date'],
];

/** Deployment columns; expects `d` (deployments) and `ds` (its source) in scope. */
export const deploymentColumns = (withAttributes = true): Column[] => [
  ...vendorRecord('d', withAttributes),
  ['vendor', 'ds.vendor'],
  ['versionId', 'd.version_id'],
  ['versionExternalId', 'd.version_external_id'],
  ['name', 'd.name'],
  ['environment', 'd.environment'],
  ['environmentRaw', 'd.environment_raw'],
  ['tags', 'd.tags'],
  ['status', 'd.status'],
  ['statusRaw', 'd.status_raw'],
  ['metrics', 'd.metrics'],
  ['servingProduction', 'd.serving_production'],
  ['endpointUrl', 'd.endpoint_url'],
  ['trafficShare', 'd.traffic_share', 'number'],
  ['deepLink', 'd.deep_link'],
];

/** Source columns (never the ciphertext: only whether there is one); expects `src`. */
export const sourceColumns: Column[] = [
  ['id', 'src.id'],
  ['vendor', 'src.vendor'],
  ['name', 'src.name'],
  ['settings', 'src.settings'],
  ['hasSecret', 'src.secret_ciphertext is not null'],
  ['secretUpdatedAt', 'src.secret_updated_at', 'date'],
  ['scheduleSeconds', 'src.schedule_seconds', 'number'],
  ['enabled', 'src.enabled'],
  ['lastRunId', 'src.last_run_id'],
  ['lastRunStatus', 'src.last_run_status'],
  ['lastRunAt', 'src.last_run_at', 'date'],
  ['lastSuccessAt', 'src.last_success_at', 'date'],
  ['deletedAt', 'src.deleted_at', 'date'],
  ['createdAt', 'src.created_at', 'date'],
  ['updatedAt', 'src.updated_at', 'date'],
];

/** Sync run columns; expects `r`. */
export const syncRunColumns: Column[] = [
  ['id', 'r.id'],
  ['sourceId', 'r.source_id'],
  ['trigger', 'r.trigger'],
  ['status', 'r.status'],
  ['startedAt', 'r.started_at', 'date'],
  ['finishedAt', 'r.finished_at', 'date'],
  ['heartbeatAt', 'r.heartbeat_at', 'date'],
  ['seen', 'r.seen', 'number'],
  ['created', 'r.created', 'number'],
  ['updated', 'r.updated', 'number'],
  ['unchanged', 'r.unchanged', 'number'],
  ['deleted', 'r.deleted', 'number'],
  ['failed', 'r.failed', 'number'],
  ['pages', 'r.pages', 'number'],
  ['deletionGuard', 'r.deletion_guard'],
  ['error', 'r.error'],
  ['recordErrors', 'r.record_errors'],
];

/** Inventory change columns; expects `c`. */
export const changeColumns: Column[] = [
  ['id', 'c.id'],
  ['runId', 'c.run_id'],
  ['sourceId', 'c.source_id'],
  ['entityKind', 'c.entity_kind'],
  ['entityId', 'c.entity_id'],
  ['externalId', 'c.external_id'],
  ['change', 'c.change'],
  ['changedFields', 'c.changed_fields'],
  ['at', 'c.at', 'date'],
];

/** Finding columns; expects `f`. */
export const findingColumns: Column[] = [
  ['id', 'f.id'],
  ['kind', 'f.kind'],
  ['sourceId', 'f.source_id'],
  ['entityKind', 'f.entity_kind'],
  ['entityId', 'f.entity_id'],
  ['message', 'f.message'],
  ['details', 'f.details'],
  ['openedAt', 'f.opened_at', 'date'],
  ['resolvedAt', 'f.resolved_at', 'date'],
];
