import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, real, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { tz } from './_columns.js';
import { sources } from './sources.js';
import { persons } from './access.js';

/** A metric as stored in jsonb: the contract's `Metric` with its timestamp as ISO 8601 text. */
export interface StoredMetric {
  name: string;
  value: number;
  step: number | null;
  timestamp: string | null;
  kind: 'TRAINING' | 'VALIDATION' | 'PRODUCTION';
}

/**
 * Columns every vendor-sourced row carries. Vendor-owned columns are written by syncs only; the natural key is
 * (source_id, external_id); rows are never hard-deleted (`deleted_at` is the tombstone).
 */
export const vendorRecord = {
  // Time-ordered ids (migration 0002): cheap to generate and appended at the end of the indexes that hold them.
  id: uuid('id').primaryKey().default(sql`hub_uuid_v7()`),
  sourceId: uuid('source_id')
    .notNull()
    .references(() => sources.id),
  externalId: text('external_id').notNull(),
  /** The raw vendor record, for BI and audit. */
  vendorAttributes: jsonb('vendor_attributes').$type<Record<string, unknown>>().notNull().default({}),
  /** sha256 of the normalised record: a re-sync skips the write when it is unchanged. */
  contentHash: text('content_hash').notNull(),
  vendorCreatedAt: tz('vendor_created_at'),
  vendorUpdatedAt: tz('vendor_updated_at'),
  firstSeenAt: tz('first_seen_at').notNull().defaultNow(),
  lastChangedAt: tz('last_changed_at').notNull().defaultNow(),
  deletedAt: tz('deleted_at'),
};

/** A logical model (SageMaker model package group; MLflow / DataRobot / Domino registered model). */
export const models = pgTable(
  'models',
  {
    ...vendorRecord,
    name: text('name').notNull(),
    description: text('description'),
    /** The owner the vendor records. Vendor-owned. */
    owner: text('owner'),
    tags: jsonb('tags').$type<Record<string, string>>().notNull().default({}),
    deepLink: text('deep_link'),
    // Governance-owned: written only by src/governance, never by a sync.
    riskTier: text('risk_tier'),
    businessUnit: text('business_unit'),
    /** The accountable owner as the text given (a name or an email); kept for display and for owners who are not people here. */
    accountableOwner: text('accountable_owner'),
    /** The accountable owner as a person (resolved by email where the text is one): who may not validate the model. */
    accountableOwnerPersonId: uuid('accountable_owner_person_id').references((): AnyPgColumn => persons.id),
  },
  (t) => [
    uniqueIndex('models_natural_uq').on(t.sourceId, t.externalId),
    // Default ordering and keyset pagination of `models` (name, id).
    index('models_name_id_idx').on(t.name, t.id),
    // orderBy UPDATED / filter changedSince.
    index('models_changed_idx').on(t.lastChangedAt, t.id),
    index('models_risk_idx').on(t.riskTier),
    index('models_owner_idx').on(t.owner),
  ],
);

/** One version of a model. Governed lifecycle state is governance-owned; observed stage is vendor-owned. */
export const modelVersions = pgTable(
  'model_versions',
  {
    ...vendorRecord,
    /** Resolved parent; null until the parent model is known (kept, reported, resolved by a later batch/run). */
    modelId: uuid('model_id').references(() => models.id),
    modelExternalId: text('model_external_id'),
    version: text('version').notNull(),
    versionNumber: integer('version_number'),
    description: text('description'),
    observedStage: text('observed_stage').notNull().default('NONE'),
    observedStageRaw: text('observed_stage_raw'),
    /** READY | PENDING | FAILED | DELETING | UNKNOWN, mapped by the connector from `status_raw`. */
    status: text('status').notNull().default('UNKNOWN'),
    /** The vendor's own status value (`Completed`, `READY`, `complete`). */
    statusRaw: text('status_raw'),
    createdBy: text('created_by'),
    artifactUri: text('artifact_uri'),
    /** The framework or algorithm the version was built with, in the vendor's words; null where the vendor does not say. */
    framework: text('framework'),
    lineage: jsonb('lineage').$type<Record<string, unknown>>().notNull().default({}),
    /** Typed metrics: [{name, value, step, timestamp, kind}] (contract `Metric`, timestamp as ISO text). */
    metrics: jsonb('metrics').$type<StoredMetric[]>().notNull().default([]),
    /** Parameters of the training run (MLflow run params). */
    params: jsonb('params').$type<Record<string, string>>().notNull().default({}),
    tags: jsonb('tags').$type<Record<string, string>>().notNull().default({}),
    deepLink: text('deep_link'),
    // Governance-owned: new versions start in DEVELOPMENT whatever the vendor says.
    lifecycleState: text('lifecycle_state').notNull().default('DEVELOPMENT'),
    lifecycleChangedAt: tz('lifecycle_changed_at'),
  },
  (t) => [
    uniqueIndex('model_versions_natural_uq').on(t.sourceId, t.externalId),
    // model -> versions (DataLoader batch) in version order.
    index('model_versions_model_idx').on(t.modelId, t.versionNumber),
    index('model_versions_state_idx').on(t.lifecycleState),
    index('model_versions_stage_idx').on(t.observedStage),
    index('model_versions_changed_idx').on(t.lastChangedAt, t.id),
    // Parent resolution for versions that arrived before their model.
    index('model_versions_unresolved_idx').on(t.sourceId, t.modelExternalId).where(sql`${t.modelId} is null`),
  ],
);

/** Where a version serves. MLflow aliases/stages appear here as observed "logical deployments". */
export const deployments = pgTable(
  'deployments',
  {
    ...vendorRecord,
    versionId: uuid('version_id').references(() => modelVersions.id),
    versionExternalId: text('version_external_id'),
    name: text('name').notNull(),
    /** PRODUCTION | STAGING | DEVELOPMENT | UNKNOWN, decided by the source's environment rule. */
    environment: text('environment').notNull().default('UNKNOWN'),
    /** The environment as the vendor words it (environment tag value, prediction environment, alias). */
    environmentRaw: text('environment_raw'),
    tags: jsonb('tags').$type<Record<string, string>>().notNull().default({}),
    /** ACTIVE | PENDING | UPDATING | INACTIVE | FAILED | DELETING | UNKNOWN, mapped by the connector from `status_raw`. */
    status: text('status').notNull().default('UNKNOWN'),
    /** The vendor's own status value (`InService`, `active`, `Running`). */
    statusRaw: text('status_raw'),
    /** Figures the vendor reports for the deployment itself, shaped as model_versions.metrics. */
    metrics: jsonb('metrics').$type<StoredMetric[]>().notNull().default([]),
    /** Active at the vendor and in PRODUCTION. */
    servingProduction: boolean('serving_production').notNull().default(false),
    endpointUrl: text('endpoint_url'),
    trafficShare: real('traffic_share'),
    deepLink: text('deep_link'),
  },
  (t) => [
    uniqueIndex('deployments_natural_uq').on(t.sourceId, t.externalId),
    // version -> deployments (DataLoader batch).
    index('deployments_version_idx').on(t.versionId),
    index('deployments_name_id_idx').on(t.name, t.id),
    index('deployments_unresolved_idx').on(t.sourceId, t.versionExternalId).where(sql`${t.versionId} is null`),
  ],
);

/** One row per created / changed / deleted / restored record per run: "what changed in our estate this week". */
export const inventoryChanges = pgTable(
  'inventory_changes',
  {
    id: uuid('id').primaryKey().default(sql`hub_uuid_v7()`),
    runId: uuid('run_id'),
    sourceId: uuid('source_id').notNull(),
    entityKind: text('entity_kind').notNull(),
    entityId: uuid('entity_id').notNull(),
    externalId: text('external_id').notNull(),
    change: text('change').notNull(),
    changedFields: text('changed_fields').array().notNull().default(sql`'{}'::text[]`),
    at: tz('at').notNull().defaultNow(),
  },
  (t) => [
    // inventoryChanges(since) keyset, newest first.
    index('inventory_changes_at_idx').on(t.at, t.id),
    // Changes of one record (version -> changes).
    index('inventory_changes_entity_idx').on(t.entityId, t.at),
    index('inventory_changes_run_idx').on(t.runId),
  ],
);

/**
 * External ids seen by a run, per kind: the set tombstoning diffs against. Kept out of the inventory tables
 * so an unchanged re-sync writes nothing there; rows are deleted when the run finishes.
 */
export const syncRunSeen = pgTable(
  'sync_run_seen',
  {
    runId: uuid('run_id').notNull(),
    entityKind: text('entity_kind').notNull(),
    externalId: text('external_id').notNull(),
  },
  (t) => [uniqueIndex('sync_run_seen_pk').on(t.runId, t.entityKind, t.externalId)],
);

export type ModelRow = typeof models.$inferSelect;
export type ModelVersionRow = typeof modelVersions.$inferSelect;
export type DeploymentRow = typeof deployments.$inferSelect;
export type InventoryChangeRow = typeof inventoryChanges.$inferSelect;
