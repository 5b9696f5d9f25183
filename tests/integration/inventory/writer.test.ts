/**
 * The inventory writer against real PostgreSQL and embedded PGlite: set-based upserts, change detection and the
 * change log, governance-owned columns, parent resolution, and guarded tombstoning. Each test uses its own source.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalisedBatch } from '../../../connectors/contract.js';
import type { Db } from '../../../src/db/client.js';
import { deployments, inventoryChanges, models, modelVersions, sources, syncRunSeen } from '../../../src/db/schema/index.js';
import { queryRows } from '../../../src/db/sql.js';
import { prepareBatch } from '../../../src/inventory/batch-preparation.js';
import type { BatchResult, WriteContext } from '../../../src/inventory/types.js';
import { WriteRoutes } from '../../../src/inventory/write-routes.js';
import { InventoryWriter } from '../../../src/inventory/writer.js';
import { DRIVERS, type TestDatabase } from '../../helpers/db.js';
import { aBatch, aDeployment, aModel, aVersion, anEstate } from './inventory-records.js';

describe.each(DRIVERS)('InventoryWriter on %s', (_driver, create) => {
  let database: TestDatabase;
  let db: Db;
  let writer: InventoryWriter;

  beforeAll(async () => {
    database = await create();
    db = database.handle.db;
    writer = new InventoryWriter(db);
  });
  afterAll(() => database.drop());

  async function newSource(): Promise<string> {
    const [row] = await db.insert(sources).values({ vendor: 'mlflow', name: `mlflow-${randomUUID()}` }).returning({ id: sources.id });
    return row.id;
  }

  function newRun(sourceId: string): WriteContext {
    return { sourceId, runId: randomUUID() };
  }

  /** Each run's route forecast, kept by the caller as the sync engine keeps it. */
  const runRoutes = new WeakMap<WriteContext, WriteRoutes>();

  /** Writes one batch of the run as the sync engine does: prepared, with the run's route forecast. */
  async function writeBatch(ctx: WriteContext, batch: NormalisedBatch): Promise<BatchResult> {
    let routes = runRoutes.get(ctx);
    if (!routes) runRoutes.set(ctx, (routes = new WriteRoutes()));
    return writer.writeBatch(ctx, await prepareBatch(batch, routes), { routes });
  }

  /** One complete run: every batch, then the guarded tombstone step. */
  async function completeRun(sourceId: string, batches: NormalisedBatch[], maxDeleteShare?: number) {
    const ctx = newRun(sourceId);
    const results = [];
    for (const batch of batches) results.push(await writeBatch(ctx, batch));
    const tombstones = await writer.finishListing(ctx, maxDeleteShare === undefined ? {} : { maxDeleteShare });
    return { ctx, results, tombstones };
  }

  /** Physical row versions (xmin) of every inventory row of the source: any write changes them. */
  async function rowVersions(sourceId: string): Promise<string[]> {
    const rows = await queryRows<{ v: string }>(
      db,
      sql`select 'm:' || external_id || ':' || xmin::text as v from models where source_id = ${sourceId}::uuid
          union all select 'v:' || external_id || ':' || xmin::text from model_versions where source_id = ${sourceId}::uuid
          union all select 'd:' || external_id || ':' || xmin::text from deployments where source_id = ${sourceId}::uuid
          order by 1`,
    );
    return rows.map((row) => row.v);
  }

  function changesOf(runId: string) {
    return db
      .select({ kind: inventoryChanges.entityKind, externalId: inventoryChanges.externalId, change: inventoryChanges.change, fields: inventoryChanges.changedFields })
      .from(inventoryChanges)
      .where(eq(inventoryChanges.runId, runId))
      .orderBy(inventoryChanges.entityKind, inventoryChanges.externalId);
  }

  async function modelRow(sourceId: string, externalId: string) {
    const [row] = await db.select().from(models).where(and(eq(models.sourceId, sourceId), eq(models.externalId, externalId)));
    return row;
  }

  describe('writeBatch', () => {
    it('should create every record of a first write, link children to parents and log CREATED changes', async () => {
      const sourceId = await newSource();
      const ctx = newRun(sourceId);

      const result = await writeBatch(ctx, anEstate(3));

      expect(result).toMatchObject({ created: 9, updated: 0, unchanged: 0, failed: 0, unresolvedVersions: [], unresolvedDeployments: [] });
      const model = await modelRow(sourceId, 'm2');
      expect(model).toMatchObject({ name: 'model m2', owner: 'ana@example.com', tags: { team: 'risk' }, deletedAt: null });
      expect(model.vendorCreatedAt?.toISOString()).toBe('2024-03-01T10:00:00.000Z');
      const [version] = await db.select().from(modelVersions).where(and(eq(modelVersions.sourceId, sourceId), eq(modelVersions.externalId, 'm2-v1')));
      expect(version).toMatchObject({ modelId: model.id, lifecycleState: 'DEVELOPMENT', observedStage: 'STAGING', metrics: [{ name: 'auc', value: 0.91, step: 0, timestamp: '2024-03-01T10:30:00.000Z', kind: 'TRAINING' }] });
      const [deployment] = await db.select().from(deployments).where(and(eq(deployments.sourceId, sourceId), eq(deployments.externalId, 'm2-d1')));
      expect(deployment).toMatchObject({ versionId: version.id, servingProduction: true });
      expect(deployment.trafficShare).toBeCloseTo(0.3, 5);
      const changes = await changesOf(ctx.runId);
      expect(changes).toHaveLength(9);
      expect(changes.every((c) => c.change === 'CREATED' && c.fields.length === 0)).toBe(true);
    });

    it('should write nothing to the inventory or the change log when the same estate is written again', async () => {
      const sourceId = await newSource();
      await completeRun(sourceId, [anEstate(4)]);
      const before = await rowVersions(sourceId);
      const [{ n: changesBefore }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from inventory_changes where source_id = ${sourceId}::uuid`);

      // Same content, different key order in every object: the content hash must not care.
      const reordered = anEstate(4);
      reordered.models = reordered.models.map((m) => Object.fromEntries(Object.entries(m).reverse()) as typeof m);
      reordered.versions = reordered.versions.map((v) => ({ ...v, lineage: { datasets: v.lineage.datasets, runId: v.lineage.runId } }));
      const { results, tombstones } = await completeRun(sourceId, [reordered]);

      expect(results[0]).toMatchObject({ created: 0, updated: 0, unchanged: 12 });
      expect(tombstones).toMatchObject({ decision: 'APPLIED', deleted: 0, wouldDelete: 0 });
      expect(await rowVersions(sourceId)).toEqual(before);
      const [{ n: changesAfter }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from inventory_changes where source_id = ${sourceId}::uuid`);
      expect(changesAfter).toBe(changesBefore);
    });

    it('should update only the changed row and log exactly the fields that changed', async () => {
      const sourceId = await newSource();
      await completeRun(sourceId, [anEstate(3)]);
      const before = await rowVersions(sourceId);

      const changed = anEstate(3);
      changed.models[1] = aModel('m2', { description: 'churn model, retrained', tags: { team: 'risk', tier: 'gold' } });
      changed.versions[2] = aVersion('m3-v1', 'm3', { metrics: [{ name: 'auc', value: 0.93, step: 0, timestamp: new Date('2024-03-01T10:30:00.000Z'), kind: 'TRAINING' }] });
      const { ctx, results } = await completeRun(sourceId, [changed]);

      expect(results[0]).toMatchObject({ created: 0, updated: 2, unchanged: 7 });
      expect(await changesOf(ctx.runId)).toEqual([
        { kind: 'model', externalId: 'm2', change: 'UPDATED', fields: ['description', 'tags'] },
        { kind: 'version', externalId: 'm3-v1', change: 'UPDATED', fields: ['metrics'] },
      ]);
      const after = await rowVersions(sourceId);
      expect(after.filter((v) => !before.includes(v)).map((v) => v.split(':').slice(0, 2).join(':'))).toEqual(['m:m2', 'v:m3-v1']);
      expect((await modelRow(sourceId, 'm2')).description).toBe('churn model, retrained');
    });

    it('should keep governance-owned columns when a re-sync changes the vendor-owned ones', async () => {
      const sourceId = await newSource();
      await completeRun(sourceId, [anEstate(1)]);
      await db
        .update(models)
        .set({ riskTier: 'HIGH', businessUnit: 'Retail credit', accountableOwner: 'risk-lead@example.com' })
        .where(eq(models.sourceId, sourceId));
      const governedAt = new Date('2024-05-01T00:00:00.000Z');
      await db.update(modelVersions).set({ lifecycleState: 'PRODUCTION', lifecycleChangedAt: governedAt }).where(eq(modelVersions.sourceId, sourceId));

      const resync = aBatch({
        models: [aModel('m1', { name: 'renamed at vendor', owner: 'bob@example.com' })],
        versions: [aVersion('m1-v1', 'm1', { observedStage: 'ARCHIVED', observedStageRaw: 'Archived' })],
        deployments: [aDeployment('m1-d1', 'm1-v1')],
      });
      const { results } = await completeRun(sourceId, [resync]);

      expect(results[0]).toMatchObject({ updated: 2, unchanged: 1 });
      expect(await modelRow(sourceId, 'm1')).toMatchObject({
        name: 'renamed at vendor',
        owner: 'bob@example.com',
        riskTier: 'HIGH',
        businessUnit: 'Retail credit',
        accountableOwner: 'risk-lead@example.com',
      });
      const [version] = await db.select().from(modelVersions).where(eq(modelVersions.sourceId, sourceId));
      expect(version).toMatchObject({ observedStage: 'ARCHIVED', lifecycleState: 'PRODUCTION' });
      expect(version.lifecycleChangedAt?.toISOString()).toBe(governedAt.toISOString());
    });

    it('should keep children of an unknown parent with an empty link, report them, and link them when the parent arrives', async () => {
      const sourceId = await newSource();
      const ctx = newRun(sourceId);

      const first = await writeBatch(
        ctx,
        aBatch({ versions: [aVersion('late-v1', 'late')], deployments: [aDeployment('late-d1', 'late-v1'), aDeployment('ghost-d1', 'ghost-v1')] }),
      );
      expect(first.unresolvedVersions).toEqual(['late-v1']);
      // late-v1 itself was written in this batch, so its deployment resolves; ghost-v1 is nowhere.
      expect(first.unresolvedDeployments).toEqual(['ghost-d1']);
      const [orphan] = await db.select().from(modelVersions).where(eq(modelVersions.sourceId, sourceId));
      expect(orphan).toMatchObject({ externalId: 'late-v1', modelId: null, modelExternalId: 'late' });

      const second = await writeBatch(ctx, aBatch({ models: [aModel('late')] }));
      expect(second.created).toBe(1);
      const model = await modelRow(sourceId, 'late');
      const [linked] = await db.select().from(modelVersions).where(eq(modelVersions.sourceId, sourceId));
      expect(linked).toMatchObject({ modelId: model.id, contentHash: orphan.contentHash });
      await writer.finishListing(ctx);

      // The link-up is not a vendor change: the next run sees the version as unchanged.
      const { results } = await completeRun(sourceId, [
        aBatch({ models: [aModel('late')], versions: [aVersion('late-v1', 'late')], deployments: [aDeployment('late-d1', 'late-v1'), aDeployment('ghost-d1', 'ghost-v1')] }),
      ]);
      expect(results[0]).toMatchObject({ created: 0, updated: 0, unchanged: 4, unresolvedVersions: [], unresolvedDeployments: ['ghost-d1'] });
    });

    it('should reject records with bad values one by one and write the rest', async () => {
      const sourceId = await newSource();
      const ctx = newRun(sourceId);

      const result = await writeBatch(
        ctx,
        aBatch({
          models: [aModel('good'), aModel(''), aModel('x'.repeat(2001)), aModel('nameless', { name: '' }), aModel('nul', { description: 'a\u0000b' })],
          versions: [aVersion('good-v1', 'good'), aVersion('nan-v1', 'good', { metrics: [{ name: 'auc', value: Number.NaN, step: null, timestamp: null, kind: 'TRAINING' }] })],
          deployments: [aDeployment('bad-share', null, { trafficShare: 1.5 })],
        }),
      );

      expect(result).toMatchObject({ created: 2, failed: 6 });
      expect(result.errors.map((e) => `${e.kind}:${e.externalId.slice(0, 10)}:${e.reason}`)).toEqual([
        'model:(blank):externalId is missing or blank',
        'model:xxxxxxxxxx:externalId is longer than 2000 characters',
        'model:nameless:name is blank',
        'model:nul:contains a NUL character, which PostgreSQL cannot store',
        'version:nan-v1:metric "auc" must be a finite number',
        'deployment:bad-share:trafficShare must be between 0 and 1',
      ]);
    });

    it('should store text and JSON exactly as the vendor sent them, whatever characters they hold', async () => {
      const sourceId = await newSource();
      const awkward = ['say "hi"', 'C:\\models\\new', '{a,b}', 'NULL', '', ' padded ', 'ünï©ødé ✓', 'line\nbreak', '\\"'];
      const batch = aBatch({
        models: awkward.map((text, i) =>
          aModel(`m${i} ${text}`, { name: `name ${text}`, description: text, owner: text === '' ? null : text, tags: { [text]: text }, vendorAttributes: { text, nested: { quote: '"', slash: '\\' } } }),
        ),
      });

      await writeBatch(newRun(sourceId), batch);

      const stored = await db.select().from(models).where(eq(models.sourceId, sourceId));
      const byId = new Map(stored.map((row) => [row.externalId, row]));
      for (const [i, text] of awkward.entries()) {
        expect(byId.get(`m${i} ${text}`)).toMatchObject({ name: `name ${text}`, description: text, owner: text === '' ? null : text, tags: { [text]: text }, vendorAttributes: { text, nested: { quote: '"', slash: '\\' } } });
      }
      const resync = await writeBatch(newRun(sourceId), batch);
      expect(resync).toMatchObject({ created: 0, updated: 0, unchanged: awkward.length });
    });

    it('should restore a tombstoned record that reappears and log it as RESTORED', async () => {
      const sourceId = await newSource();
      await completeRun(sourceId, [aBatch({ models: [aModel('a'), aModel('b'), aModel('c')] })]);
      const gone = await completeRun(sourceId, [aBatch({ models: [aModel('a'), aModel('b')] })]);
      expect(gone.tombstones).toMatchObject({ decision: 'APPLIED', deleted: 1 });
      expect((await modelRow(sourceId, 'c')).deletedAt).not.toBeNull();

      const back = await completeRun(sourceId, [aBatch({ models: [aModel('a'), aModel('b'), aModel('c', { owner: 'carol@example.com' })] })]);

      expect(back.results[0]).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
      expect(await changesOf(back.ctx.runId)).toEqual([{ kind: 'model', externalId: 'c', change: 'RESTORED', fields: ['owner'] }]);
      expect(await modelRow(sourceId, 'c')).toMatchObject({ deletedAt: null, owner: 'carol@example.com' });
    });
  });

  describe('writeBatch after a batch of only new records', () => {
    // A batch whose records were all new sends the next batch of the run by the insert-first route; these
    // assertions are the ones the probe route meets above, on a batch that mixes every case.
    it('should create, update, restore, skip unchanged records and link waiting children exactly as the first batch would', async () => {
      const sourceId = await newSource();
      await completeRun(sourceId, [
        aBatch({
          models: [aModel('kept'), aModel('edited'), aModel('gone')],
          versions: [aVersion('kept-v1', 'kept'), aVersion('orphan-v1', 'late')],
        }),
      ]);
      await completeRun(sourceId, [aBatch({ models: [aModel('kept'), aModel('edited')], versions: [aVersion('kept-v1', 'kept'), aVersion('orphan-v1', 'late')] })]);
      expect((await modelRow(sourceId, 'gone')).deletedAt).not.toBeNull();
      const before = await rowVersions(sourceId);
      const ctx = newRun(sourceId);

      const first = await writeBatch(ctx, aBatch({ models: [aModel('n1')], versions: [aVersion('n1-v1', 'n1')], deployments: [aDeployment('n1-d1', 'n1-v1')] }));
      const second = await writeBatch(
        ctx,
        aBatch({
          models: [aModel('n2'), aModel('kept'), aModel('edited', { description: 'retrained' }), aModel('gone'), aModel('late')],
          versions: [aVersion('n2-v1', 'n2'), aVersion('waiting-v1', 'nowhere'), aVersion('kept-v1', 'kept'), aVersion('orphan-v1', 'late')],
          deployments: [aDeployment('n2-d1', 'n2-v1'), aDeployment('ghost-d1', 'ghost-v1')],
        }),
      );
      const tombstones = await writer.finishListing(ctx);

      expect(first).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
      expect(second).toMatchObject({ created: 6, updated: 2, unchanged: 3, failed: 0, unresolvedVersions: ['waiting-v1'], unresolvedDeployments: ['ghost-d1'] });
      expect(await changesOf(ctx.runId)).toEqual([
        { kind: 'deployment', externalId: 'ghost-d1', change: 'CREATED', fields: [] },
        { kind: 'deployment', externalId: 'n1-d1', change: 'CREATED', fields: [] },
        { kind: 'deployment', externalId: 'n2-d1', change: 'CREATED', fields: [] },
        { kind: 'model', externalId: 'edited', change: 'UPDATED', fields: ['description'] },
        { kind: 'model', externalId: 'gone', change: 'RESTORED', fields: [] },
        { kind: 'model', externalId: 'late', change: 'CREATED', fields: [] },
        { kind: 'model', externalId: 'n1', change: 'CREATED', fields: [] },
        { kind: 'model', externalId: 'n2', change: 'CREATED', fields: [] },
        { kind: 'version', externalId: 'n1-v1', change: 'CREATED', fields: [] },
        { kind: 'version', externalId: 'n2-v1', change: 'CREATED', fields: [] },
        { kind: 'version', externalId: 'waiting-v1', change: 'CREATED', fields: [] },
      ]);
      // Unchanged records were not written; the orphan got its link without a content change.
      const after = await rowVersions(sourceId);
      const rewritten = before.filter((v) => !after.includes(v)).map((v) => v.split(':').slice(0, 2).join(':'));
      expect(rewritten).toEqual(['m:edited', 'm:gone', 'v:orphan-v1']);
      const late = await modelRow(sourceId, 'late');
      const [orphan] = await db.select().from(modelVersions).where(and(eq(modelVersions.sourceId, sourceId), eq(modelVersions.externalId, 'orphan-v1')));
      expect(orphan.modelId).toBe(late.id);
      const [n2Deployment] = await db.select().from(deployments).where(and(eq(deployments.sourceId, sourceId), eq(deployments.externalId, 'n2-d1')));
      const [n2Version] = await db.select().from(modelVersions).where(and(eq(modelVersions.sourceId, sourceId), eq(modelVersions.externalId, 'n2-v1')));
      expect(n2Deployment.versionId).toBe(n2Version.id);
      // Every listed record counts as seen, written or not: nothing is tombstoned.
      expect(tombstones).toMatchObject({ decision: 'APPLIED', deleted: 0, wouldDelete: 0 });
    });

    it('should write nothing for stored, unchanged records that follow a batch of new ones', async () => {
      const sourceId = await newSource();
      const pages = () => [anEstate(2), aBatch({ models: [aModel('p2')], versions: [aVersion('p2-v1', 'p2')] })];
      await completeRun(sourceId, pages());
      const before = await rowVersions(sourceId);

      const fresh = aBatch({ models: [aModel('fresh')], versions: [aVersion('fresh-v1', 'fresh')], deployments: [aDeployment('fresh-d1', 'fresh-v1')] });
      const { ctx, results, tombstones } = await completeRun(sourceId, [fresh, ...pages()]);

      expect(results.map((r) => [r.created, r.updated, r.unchanged])).toEqual([
        [3, 0, 0],
        [0, 0, 6],
        [0, 0, 2],
      ]);
      expect((await rowVersions(sourceId)).filter((v) => !v.includes(':fresh'))).toEqual(before);
      expect((await changesOf(ctx.runId)).map((c) => `${c.change}:${c.externalId}`)).toEqual(['CREATED:fresh-d1', 'CREATED:fresh', 'CREATED:fresh-v1']);
      expect(tombstones).toMatchObject({ decision: 'APPLIED', deleted: 0, wouldDelete: 0 });
    });
  });

  describe('finishListing', () => {
    it('should tombstone what a complete listing no longer has, log DELETED changes and clear the seen set', async () => {
      const sourceId = await newSource();
      await completeRun(sourceId, [anEstate(4)]);

      const smaller = anEstate(4);
      smaller.models.pop();
      smaller.versions.pop();
      smaller.deployments.pop();
      const { ctx, tombstones } = await completeRun(sourceId, [smaller]);

      expect(tombstones).toMatchObject({ decision: 'APPLIED', deleted: 3, wouldDelete: 3, share: 0.25 });
      expect(await changesOf(ctx.runId)).toEqual([
        { kind: 'deployment', externalId: 'm4-d1', change: 'DELETED', fields: [] },
        { kind: 'model', externalId: 'm4', change: 'DELETED', fields: [] },
        { kind: 'version', externalId: 'm4-v1', change: 'DELETED', fields: [] },
      ]);
      expect((await modelRow(sourceId, 'm4')).deletedAt).toBeInstanceOf(Date);
      expect((await modelRow(sourceId, 'm3')).deletedAt).toBeNull();
      expect(await db.select().from(syncRunSeen).where(eq(syncRunSeen.runId, ctx.runId))).toEqual([]);
    });

    it('should refuse to tombstone anything when the listing came back empty', async () => {
      const sourceId = await newSource();
      await completeRun(sourceId, [anEstate(2)]);

      const { tombstones } = await completeRun(sourceId, [aBatch({})]);

      expect(tombstones).toMatchObject({ decision: 'REFUSED_EMPTY', deleted: 0, wouldDelete: 6, share: 1 });
      expect(tombstones.reason).toMatch(/empty/);
      const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from models where source_id = ${sourceId}::uuid and deleted_at is null`);
      expect(n).toBe(2);
    });

    it('should refuse a listing that would remove 60% of the records, and apply it when the share allowed is higher', async () => {
      const sourceId = await newSource();
      const ten = aBatch({ models: Array.from({ length: 10 }, (_, i) => aModel(`m${i}`)) });
      await completeRun(sourceId, [ten]);
      const four = aBatch({ models: ten.models.slice(0, 4) });

      const refused = await completeRun(sourceId, [four]);
      expect(refused.tombstones).toMatchObject({ decision: 'REFUSED_SHARE', deleted: 0, wouldDelete: 6, share: 0.6 });
      expect(refused.tombstones.reason).toContain('6 of 10');
      expect(await changesOf(refused.ctx.runId)).toEqual([]);

      const applied = await completeRun(sourceId, [four], 0.7);
      expect(applied.tombstones).toMatchObject({ decision: 'APPLIED', deleted: 6 });
    });

    it('should count a record listed unchanged in two pages of one run as seen once, not as gone', async () => {
      const sourceId = await newSource();
      await completeRun(sourceId, [aBatch({ models: [aModel('a'), aModel('b')] })]);

      const { results, tombstones } = await completeRun(sourceId, [aBatch({ models: [aModel('a')] }), aBatch({ models: [aModel('a'), aModel('b')] })]);

      expect(results.map((r) => r.unchanged)).toEqual([1, 2]);
      expect(tombstones).toMatchObject({ decision: 'APPLIED', deleted: 0, wouldDelete: 0 });
    });

    it('should not tombstone a record the vendor listed with a bad value', async () => {
      const sourceId = await newSource();
      await completeRun(sourceId, [aBatch({ models: [aModel('a'), aModel('b')] })]);

      const { results, tombstones } = await completeRun(sourceId, [aBatch({ models: [aModel('a'), aModel('b', { name: '' })] })]);

      expect(results[0].failed).toBe(1);
      expect(tombstones).toMatchObject({ decision: 'APPLIED', deleted: 0 });
      expect((await modelRow(sourceId, 'b')).deletedAt).toBeNull();
    });
  });

  describe('abandonListing', () => {
    it('should tombstone nothing after an incomplete listing and clear the seen set', async () => {
      const sourceId = await newSource();
      await completeRun(sourceId, [anEstate(2)]);
      const ctx = newRun(sourceId);
      await writeBatch(ctx, aBatch({ models: [aModel('m1')] }));

      const result = await writer.abandonListing(ctx, 'the vendor answered 503 on page 2');

      expect(result).toMatchObject({ decision: 'SKIPPED_INCOMPLETE', deleted: 0 });
      expect(result.reason).toContain('503 on page 2');
      const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from models where source_id = ${sourceId}::uuid and deleted_at is null`);
      expect(n).toBe(2);
      expect(await db.select().from(syncRunSeen).where(eq(syncRunSeen.runId, ctx.runId))).toEqual([]);
    });
  });
});
