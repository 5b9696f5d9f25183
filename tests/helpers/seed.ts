import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import {
  deployments,
  findings,
  inventoryChanges,
  models,
  modelVersions,
  sources,
  syncRuns,
  type DeploymentRow,
  type FindingRow,
  type InventoryChangeRow,
  type ModelRow,
  type ModelVersionRow,
  type SourceRow,
  type SyncRunRow,
} from '../../src/db/schema/index.js';

/**
 * Direct inserts of inventory rows for tests that read the inventory (the writer is tested on its own).
 * Each helper fills sensible defaults and returns the inserted row.
 */
export async function seedSource(db: Db, values: Partial<typeof sources.$inferInsert> = {}): Promise<SourceRow> {
  const [row] = await db
    .insert(sources)
    .values({ vendor: 'mlflow', name: `source-${randomUUID().slice(0, 8)}`, settings: { trackingUri: 'http://mlflow.local' }, ...values })
    .returning();
  return row;
}

export async function seedModel(db: Db, source: { id: string }, values: Partial<typeof models.$inferInsert> = {}): Promise<ModelRow> {
  const externalId = values.externalId ?? `model-${randomUUID()}`;
  const [row] = await db
    .insert(models)
    .values({ sourceId: source.id, externalId, name: externalId, contentHash: 'h', ...values })
    .returning();
  return row;
}

export async function seedVersion(db: Db, model: { id: string; sourceId: string }, values: Partial<typeof modelVersions.$inferInsert> = {}): Promise<ModelVersionRow> {
  const [row] = await db
    .insert(modelVersions)
    .values({ sourceId: model.sourceId, modelId: model.id, externalId: `version-${randomUUID()}`, version: String(values.versionNumber ?? 1), contentHash: 'h', ...values })
    .returning();
  return row;
}

export async function seedDeployment(db: Db, version: { id: string; sourceId: string }, values: Partial<typeof deployments.$inferInsert> = {}): Promise<DeploymentRow> {
  const [row] = await db
    .insert(deployments)
    .values({ sourceId: version.sourceId, versionId: version.id, externalId: `deployment-${randomUUID()}`, name: `endpoint-${randomUUID().slice(0, 8)}`, contentHash: 'h', ...values })
    .returning();
  return row;
}

export async function seedFinding(db: Db, entity: { id: string; sourceId: string }, values: Partial<typeof findings.$inferInsert> = {}): Promise<FindingRow> {
  const [row] = await db
    .insert(findings)
    .values({ kind: 'UNGOVERNED_PRODUCTION', sourceId: entity.sourceId, entityKind: 'version', entityId: entity.id, message: 'serves production ungoverned', ...values })
    .returning();
  return row;
}

export async function seedRun(db: Db, source: { id: string }, values: Partial<typeof syncRuns.$inferInsert> = {}): Promise<SyncRunRow> {
  const [row] = await db.insert(syncRuns).values({ sourceId: source.id, trigger: 'manual', status: 'SUCCEEDED', ...values }).returning();
  return row;
}

export async function seedChange(db: Db, entity: { id: string; sourceId: string; externalId: string }, values: Partial<typeof inventoryChanges.$inferInsert> = {}): Promise<InventoryChangeRow> {
  const [row] = await db
    .insert(inventoryChanges)
    .values({ sourceId: entity.sourceId, entityKind: 'version', entityId: entity.id, externalId: entity.externalId, change: 'UPDATED', changedFields: ['description'], ...values })
    .returning();
  return row;
}

/** An estate of `modelCount` models × `versionsPerModel` versions × `deploymentsPerVersion` deployments, in three bulk inserts. */
export async function seedEstate(db: Db, source: { id: string }, shape: { modelCount: number; versionsPerModel: number; deploymentsPerVersion: number }) {
  const modelRows = await db
    .insert(models)
    .values(Array.from({ length: shape.modelCount }, (_, m) => ({ sourceId: source.id, externalId: `estate-${m}-${randomUUID()}`, name: `estate-model-${String(m).padStart(4, '0')}`, contentHash: 'h' })))
    .returning();
  const versionRows = await db
    .insert(modelVersions)
    .values(
      modelRows.flatMap((model) =>
        Array.from({ length: shape.versionsPerModel }, (_, v) => ({ sourceId: source.id, modelId: model.id, externalId: `v-${randomUUID()}`, version: String(v + 1), versionNumber: v + 1, contentHash: 'h' })),
      ),
    )
    .returning();
  const deploymentRows = shape.deploymentsPerVersion
    ? await db
        .insert(deployments)
        .values(
          versionRows.flatMap((version) =>
            Array.from({ length: shape.deploymentsPerVersion }, (_, d) => ({ sourceId: source.id, versionId: version.id, externalId: `d-${randomUUID()}`, name: `endpoint-${d}-${version.id.slice(0, 8)}`, contentHash: 'h' })),
          ),
        )
        .returning()
    : [];
  return { models: modelRows, versions: versionRows, deployments: deploymentRows };
}

/**
 * A large estate written by PostgreSQL itself (generate_series): `models` × `versionsPerModel` versions in two
 * statements, for tests that need the size of a real inventory (100 000 versions in a few seconds).
 */
export async function seedLargeEstate(db: Db, source: { id: string }, shape: { models: number; versionsPerModel: number }): Promise<void> {
  await db.execute(sql`
    INSERT INTO models (source_id, external_id, name, content_hash)
    SELECT ${source.id}::uuid, 'large-' || g, 'large-model-' || lpad(g::text, 6, '0'), 'h' FROM generate_series(1, ${shape.models}::int) AS g`);
  await db.execute(sql`
    INSERT INTO model_versions (source_id, model_id, external_id, version, version_number, content_hash)
    SELECT ${source.id}::uuid, m.id, m.external_id || '/' || g, g::text, g, 'h'
    FROM models m CROSS JOIN generate_series(1, ${shape.versionsPerModel}::int) AS g
    WHERE m.source_id = ${source.id}::uuid`);
}
