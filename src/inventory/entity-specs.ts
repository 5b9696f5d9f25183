import type { NormalisedDeployment, NormalisedModel, NormalisedRecordBase, NormalisedVersion } from '../../connectors/contract.js';

/** The three kinds of vendor-sourced record, as named in inventory_changes.entity_kind and sync_run_seen. */
export type EntityKind = 'model' | 'version' | 'deployment';

/** SQL type of a vendor-owned column; decides how values travel in unnest arrays and how they are compared. */
export type ColumnType = 'text' | 'jsonb' | 'timestamptz' | 'int' | 'real' | 'boolean';

/** One vendor-owned column and the normalised field it stores. */
export interface ColumnSpec<R> {
  /** SQL column name (a constant: it is spliced into SQL). */
  column: string;
  /** The normalised field name; inventory_changes.changed_fields uses this vocabulary. */
  field: string;
  type: ColumnType;
  /** The column is NOT NULL and, for text, must not be blank: a record without it is rejected. */
  required?: true;
  /** A jsonb column holding a JSON array (metrics) rather than an object. */
  jsonArray?: true;
  read(record: R): unknown;
}

/** A child's link to its parent, resolved by the parent's natural key within the same source. */
export interface ParentLink {
  /** Column holding the resolved parent id (null until the parent is known). */
  linkColumn: string;
  parentTable: string;
  /** Column (among the spec's columns) holding the parent's external id. */
  externalIdColumn: string;
  /** Partial index on (source_id, externalIdColumn) where linkColumn is null: finds children waiting for a parent. */
  unresolvedIndex: string;
}

/**
 * How one kind of record maps onto its table. Only vendor-owned columns are listed: the writer never names the
 * governance-owned ones (risk_tier, business_unit, accountable_owner, accountable_owner_person_id, lifecycle_state, lifecycle_changed_at), so a
 * sync cannot overwrite them.
 */
export interface EntitySpec<R> {
  kind: EntityKind;
  table: string;
  columns: ColumnSpec<R>[];
  parent: ParentLink | null;
}

function baseColumns<R extends NormalisedRecordBase>(): ColumnSpec<R>[] {
  return [
    { column: 'vendor_attributes', field: 'vendorAttributes', type: 'jsonb', required: true, read: (r) => r.vendorAttributes },
    { column: 'vendor_created_at', field: 'createdAt', type: 'timestamptz', read: (r) => r.createdAt },
    { column: 'vendor_updated_at', field: 'updatedAt', type: 'timestamptz', read: (r) => r.updatedAt },
  ];
}

export const MODEL_SPEC: EntitySpec<NormalisedModel> = {
  kind: 'model',
  table: 'models',
  parent: null,
  columns: [
    { column: 'name', field: 'name', type: 'text', required: true, read: (r) => r.name },
    { column: 'description', field: 'description', type: 'text', read: (r) => r.description },
    { column: 'owner', field: 'owner', type: 'text', read: (r) => r.owner },
    { column: 'tags', field: 'tags', type: 'jsonb', required: true, read: (r) => r.tags },
    { column: 'deep_link', field: 'deepLink', type: 'text', read: (r) => r.deepLink },
    ...baseColumns<NormalisedModel>(),
  ],
};

export const VERSION_SPEC: EntitySpec<NormalisedVersion> = {
  kind: 'version',
  table: 'model_versions',
  parent: { linkColumn: 'model_id', parentTable: 'models', externalIdColumn: 'model_external_id', unresolvedIndex: 'model_versions_unresolved_idx' },
  columns: [
    { column: 'model_external_id', field: 'modelExternalId', type: 'text', read: (r) => r.modelExternalId },
    { column: 'version', field: 'version', type: 'text', required: true, read: (r) => r.version },
    { column: 'version_number', field: 'versionNumber', type: 'int', read: (r) => r.versionNumber },
    { column: 'description', field: 'description', type: 'text', read: (r) => r.description },
    { column: 'observed_stage', field: 'observedStage', type: 'text', required: true, read: (r) => r.observedStage },
    { column: 'observed_stage_raw', field: 'observedStageRaw', type: 'text', read: (r) => r.observedStageRaw },
    { column: 'status', field: 'status', type: 'text', required: true, read: (r) => r.status },
    { column: 'status_raw', field: 'statusRaw', type: 'text', read: (r) => r.statusRaw },
    { column: 'created_by', field: 'createdBy', type: 'text', read: (r) => r.createdBy },
    { column: 'artifact_uri', field: 'artifactUri', type: 'text', read: (r) => r.artifactUri },
    { column: 'lineage', field: 'lineage', type: 'jsonb', required: true, read: (r) => r.lineage },
    { column: 'metrics', field: 'metrics', type: 'jsonb', jsonArray: true, required: true, read: (r) => r.metrics },
    { column: 'params', field: 'params', type: 'jsonb', required: true, read: (r) => r.params },
    { column: 'tags', field: 'tags', type: 'jsonb', required: true, read: (r) => r.tags },
    { column: 'deep_link', field: 'deepLink', type: 'text', read: (r) => r.deepLink },
    ...baseColumns<NormalisedVersion>(),
  ],
};

export const DEPLOYMENT_SPEC: EntitySpec<NormalisedDeployment> = {
  kind: 'deployment',
  table: 'deployments',
  parent: { linkColumn: 'version_id', parentTable: 'model_versions', externalIdColumn: 'version_external_id', unresolvedIndex: 'deployments_unresolved_idx' },
  columns: [
    { column: 'version_external_id', field: 'versionExternalId', type: 'text', read: (r) => r.versionExternalId },
    { column: 'name', field: 'name', type: 'text', required: true, read: (r) => r.name },
    { column: 'environment', field: 'environment', type: 'text', required: true, read: (r) => r.environment },
    { column: 'environment_raw', field: 'environmentRaw', type: 'text', read: (r) => r.environmentRaw },
    { column: 'tags', field: 'tags', type: 'jsonb', required: true, read: (r) => r.tags },
    { column: 'status', field: 'status', type: 'text', required: true, read: (r) => r.status },
    { column: 'status_raw', field: 'statusRaw', type: 'text', read: (r) => r.statusRaw },
    { column: 'metrics', field: 'metrics', type: 'jsonb', jsonArray: true, required: true, read: (r) => r.metrics },
    { column: 'serving_production', field: 'servingProduction', type: 'boolean', required: true, read: (r) => r.servingProduction },
    { column: 'endpoint_url', field: 'endpointUrl', type: 'text', read: (r) => r.endpointUrl },
    { column: 'traffic_share', field: 'trafficShare', type: 'real', read: (r) => r.trafficShare },
    { column: 'deep_link', field: 'deepLink', type: 'text', read: (r) => r.deepLink },
    ...baseColumns<NormalisedDeployment>(),
  ],
};

/** Tables in parent-before-child order: the order batches are written and tombstones are counted in. */
export const ENTITY_SPECS = [MODEL_SPEC, VERSION_SPEC, DEPLOYMENT_SPEC] as const;

/** The kind whose records link to records of `spec` (versions for models, deployments for versions), if any. */
export function childSpecOf(spec: EntitySpec<never>): EntitySpec<never> | undefined {
  return (ENTITY_SPECS as readonly EntitySpec<never>[]).find((candidate) => candidate.parent?.parentTable === spec.table);
}
