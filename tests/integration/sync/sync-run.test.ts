/**
 * One sync run end to end inside a real hub (PostgreSQL, in-process jobs) against vendor simulators over loopback:
 * vendor chaos, total failure, the deletion guard, findings, and the one-run-per-source rule for manual triggers.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { findings, inventoryChanges, modelVersions, models } from '../../../src/db/schema/index.js';
import { queryRows } from '../../../src/db/sql.js';
import { inventorySnapshot, liveCounts } from '../../helpers/inventory.js';
import { FAST_CONNECTOR_DEPS, startTestHub, type TestHub } from '../../helpers/hub.js';
import { collectListing } from '../../helpers/listing.js';
import { vendorModule } from '../../../connectors/registry/index.js';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import type { HubOverrides } from '../../../src/main/app.js';

const ESTATE = { seed: 7, models: 30, versionsPerModel: 4, deployments: 12 };
const hubs: TestHub[] = [];
async function hub(overrides?: HubOverrides): Promise<TestHub> {
  const started = await startTestHub({ overrides });
  hubs.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

async function runOnce(test: TestHub, sourceId: string) {
  const result = await test.hub.services.sync.runJob({ sourceId, trigger: 'manual' });
  if (result.status !== 'ran') throw new Error('expected the sync to run');
  return result.run;
}

describe('SyncService', () => {
  describe('runJob', () => {
    it('should end with the same inventory as a clean run when the vendor throttles 20% and fails 5% of calls', async () => {
      // Both hubs read the same simulator (deep links embed its URL), the second one through the faults.
      const clean = await hub();
      const { source: cleanSource, simulator } = await clean.addSimulatorSource('mlflow', ESTATE);
      expect((await runOnce(clean, cleanSource.id)).status).toBe('SUCCEEDED');

      // A quarter of all calls fail, so a call can fail several times running; the budget is sized so that giving up
      // (which the run would rightly record as FAILED) is out of reach for this estate's few dozen calls.
      const chaotic = await hub({ connectorDeps: { ...FAST_CONNECTOR_DEPS, retry: { attempts: 12, baseDelayMs: 5, maxDelayMs: 50 } } });
      const source = await chaotic.addSourceFor('mlflow', simulator);
      simulator.faults.set({ throttleRate: 0.2, serverErrorRate: 0.05, retryAfterSeconds: null });
      const run = await runOnce(chaotic, source.id);

      expect(run.status).toBe('SUCCEEDED');
      expect(simulator.faults.requestCount).toBeGreaterThan(0);
      const cleanLines = await inventorySnapshot(clean.hub.database.db, cleanSource.id);
      expect(cleanLines.length).toBe(30 + 120 + (await liveCounts(clean.hub.database.db, cleanSource.id)).deployments);
      expect(await inventorySnapshot(chaotic.hub.database.db, source.id)).toEqual(cleanLines);
    });

    it('should fail the run and tombstone nothing when every vendor call fails', async () => {
      const test = await hub();
      const { source, simulator } = await test.addSimulatorSource('sagemaker', ESTATE);
      await runOnce(test, source.id);
      const before = await liveCounts(test.hub.database.db, source.id);

      simulator.faults.set({ failEveryRequest: true });
      const run = await runOnce(test, source.id);

      expect(run.status).toBe('FAILED');
      expect(run.error).toBeTruthy();
      expect(run.deletionGuard).toMatchObject({ decision: 'SKIPPED_INCOMPLETE' });
      expect(await liveCounts(test.hub.database.db, source.id)).toEqual(before);
      const [sourceRow] = await test.hub.services.sources.listSources().then((all) => all.filter((s) => s.id === source.id));
      expect(sourceRow.lastRunStatus).toBe('FAILED');
    });

    it('should succeed on the first sync of a source whose vendor lists nothing', async () => {
      const test = await hub();
      const { source } = await test.addSimulatorSource('mlflow', { ...ESTATE, models: 0, deployments: 0 });
      const run = await runOnce(test, source.id);

      expect(run.status).toBe('SUCCEEDED');
      expect(run.deletionGuard).toMatchObject({ decision: 'APPLIED', deleted: 0 });
      expect(await liveCounts(test.hub.database.db, source.id)).toEqual({ models: 0, versions: 0, deployments: 0 });
    });

    it('should refuse to tombstone anything when the vendor suddenly lists an empty estate', async () => {
      const test = await hub();
      const { source, simulator } = await test.addSimulatorSource('datarobot', ESTATE);
      await runOnce(test, source.id);
      const before = await liveCounts(test.hub.database.db, source.id);

      simulator.store.clear();
      const run = await runOnce(test, source.id);

      expect(run.deletionGuard).toMatchObject({ decision: 'REFUSED_EMPTY' });
      expect(run.deleted).toBe(0);
      expect(await liveCounts(test.hub.database.db, source.id)).toEqual(before);
    });

    it('should tombstone exactly the 10% of models the vendor removed, with a change row each', async () => {
      const test = await hub();
      const { source, simulator } = await test.addSimulatorSource('mlflow', ESTATE);
      await runOnce(test, source.id);

      const removed = simulator.store.removeShare(0.1);
      const run = await runOnce(test, source.id);

      expect(run.status).toBe('SUCCEEDED');
      const { db } = test.hub.database;
      const tombstoned = await db.select({ externalId: models.externalId }).from(models).where(and(eq(models.sourceId, source.id), sql`${models.deletedAt} is not null`));
      expect(tombstoned.map((m) => m.externalId).sort()).toEqual([...removed].sort());
      const deletedChanges = await db.select().from(inventoryChanges).where(and(eq(inventoryChanges.runId, run.id), eq(inventoryChanges.change, 'DELETED')));
      expect(deletedChanges.filter((c) => c.entityKind === 'model').map((c) => c.externalId).sort()).toEqual([...removed].sort());
      expect(run.deleted).toBe(deletedChanges.length);
    });

    it('should keep a model the listing skipped because another was deleted between two pages, and tombstone only the deleted one', async () => {
      // Three models a page. MLflow's page tokens are offsets: deleting a model of a page already read shifts the
      // next page by one, and the listing never returns the model that moved onto the page already read.
      const estate = { ...ESTATE, models: 9, maxPageSize: 3 };
      const deleteFirstModelMidListing = (simulator: SimulatorHandle, names: string[]) => {
        // Counted from here: request 1 reads the first page; from request 2 on its versions are read.
        simulator.faults.reset();
        simulator.faults.onRequest = (n) => n === 2 && simulator.store.removeModel(names[0]);
      };

      // What the vendor does to a listing: a direct one skips the fourth model.
      const probe = await vendorSimulator('mlflow').start({ ...estate, credential: 'probe' });
      try {
        const names = probe.store.estate.models.map((m) => m.name).sort();
        deleteFirstModelMidListing(probe, names);
        const { settings, secret } = vendorSimulator('mlflow').sourceFor(probe, 'probe');
        const listed = await collectListing(vendorModule('mlflow').create(settings, secret, FAST_CONNECTOR_DEPS).list(new AbortController().signal));
        expect(listed.models.map((m) => m.externalId).sort()).toEqual(names.filter((_, i) => i !== 0 && i !== 3));
      } finally {
        await probe.close();
      }

      const test = await hub();
      const { source, simulator } = await test.addSimulatorSource('mlflow', estate);
      await runOnce(test, source.id);
      const names = simulator.store.estate.models.map((m) => m.name).sort();
      const versionsOfSkipped = simulator.store.model(names[3]).versions.length;
      deleteFirstModelMidListing(simulator, names);
      const run = await runOnce(test, source.id);
      simulator.faults.reset();

      expect(run.status).toBe('SUCCEEDED');
      const { db } = test.hub.database;
      const tombstoned = await db.select({ externalId: models.externalId }).from(models).where(and(eq(models.sourceId, source.id), sql`${models.deletedAt} is not null`));
      expect(tombstoned.map((m) => m.externalId)).toEqual([names[0]]);
      const skippedVersions = await db.select().from(modelVersions).where(and(eq(modelVersions.sourceId, source.id), eq(modelVersions.modelExternalId, names[3]), isNull(modelVersions.deletedAt)));
      expect(skippedVersions).toHaveLength(versionsOfSkipped);
      const deletedChanges = await db.select().from(inventoryChanges).where(and(eq(inventoryChanges.runId, run.id), eq(inventoryChanges.change, 'DELETED')));
      // Only the deleted model's own records: itself, its versions (`name/n`) and deployments (`name@alias`, `name#stage:…`).
      const ownedByDeleted = (id: string) => id === names[0] || (id.startsWith(names[0]) && /^[/@#]/.test(id.slice(names[0].length)));
      expect(deletedChanges.length).toBeGreaterThan(1);
      expect(deletedChanges.map((c) => c.externalId).filter((id) => !ownedByDeleted(id))).toEqual([]);
    });

    it('should open an UNGOVERNED_PRODUCTION finding for a version pushed to production at the vendor, and resolve it when it leaves', async () => {
      const test = await hub();
      const { source, simulator } = await test.addSimulatorSource('mlflow', { ...ESTATE, deployments: 0 });
      await runOnce(test, source.id);
      const target = simulator.store.estate.models[3];
      const versionExternalId = `${target.name}/2`;

      simulator.store.promoteToProduction(target.name, 2);
      await runOnce(test, source.id);
      const { db } = test.hub.database;
      const [version] = await db.select().from(modelVersions).where(and(eq(modelVersions.sourceId, source.id), eq(modelVersions.externalId, versionExternalId)));
      const open = await db.select().from(findings).where(and(eq(findings.entityId, version.id), eq(findings.kind, 'UNGOVERNED_PRODUCTION'), isNull(findings.resolvedAt)));
      expect(open).toHaveLength(1);

      await runOnce(test, source.id); // a second run must not duplicate it
      expect(await db.select().from(findings).where(and(eq(findings.entityId, version.id), eq(findings.kind, 'UNGOVERNED_PRODUCTION')))).toHaveLength(1);

      simulator.store.unpromote(target.name, 2);
      await runOnce(test, source.id);
      const [after] = await db.select().from(findings).where(and(eq(findings.entityId, version.id), eq(findings.kind, 'UNGOVERNED_PRODUCTION')));
      expect(after.resolvedAt).not.toBeNull();
      const audit = await queryRows<{ action: string }>(db, sql`select action from audit_events where entity_id = ${after.id} order by seq`);
      expect(audit.map((a) => a.action)).toEqual(['finding.opened', 'finding.resolved']);
    });

    it('should not hold an InService SageMaker endpoint tagged environment=staging against governance', async () => {
      const test = await hub();
      const { source, simulator } = await test.addSimulatorSource('sagemaker', { ...ESTATE, deployments: 0 });
      const [staged, live] = simulator.store.estate.models;
      simulator.store.deploy(staged.name, 2, { environment: 'staging' });
      simulator.store.deploy(live.name, 2, { environment: 'production' });
      await runOnce(test, source.id);

      const { db } = test.hub.database;
      const rows = await queryRows<{ name: string; status: string; status_raw: string; environment: string; environment_raw: string; serving_production: boolean; tags: Record<string, string> }>(
        db,
        sql`select name, status, status_raw, environment, environment_raw, serving_production, tags from deployments where source_id = ${source.id} order by name`,
      );
      expect(rows).toEqual([
        { name: `${live.name}-v2-production`, status: 'ACTIVE', status_raw: 'InService', environment: 'PRODUCTION', environment_raw: 'production', serving_production: true, tags: { environment: 'production', model: live.name } },
        { name: `${staged.name}-v2-staging`, status: 'ACTIVE', status_raw: 'InService', environment: 'STAGING', environment_raw: 'staging', serving_production: false, tags: { environment: 'staging', model: staged.name } },
      ]);
      const open = await queryRows<{ kind: string; name: string }>(
        db,
        sql`select f.kind, coalesce(m.name, vm.name) as name from findings f
            left join models m on m.id = f.entity_id left join model_versions v on v.id = f.entity_id left join models vm on vm.id = v.model_id
            where f.source_id = ${source.id} and f.resolved_at is null and f.kind in ('UNGOVERNED_PRODUCTION', 'MISSING_OWNER') order by f.kind`,
      );
      // Only the production endpoint's model is held to account; the staging one has no finding at all.
      expect(open).toEqual([
        { kind: 'MISSING_OWNER', name: live.name },
        { kind: 'UNGOVERNED_PRODUCTION', name: live.name },
      ]);
    });

    it('should answer a manual trigger during a run with the run in progress instead of queueing another', async () => {
      const test = await hub();
      const { source, simulator } = await test.addSimulatorSource('domino', ESTATE);
      simulator.faults.set({ latencyMs: 150 });
      const running = test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'schedule' });
      await new Promise((resolve) => setTimeout(resolve, 300));

      const second = await test.hub.services.sync.triggerSync(source.id, systemPrincipal('test'));
      expect(second.alreadyRunning).toBe(true);
      expect(second.run.status).toBe('RUNNING');
      const first = await running;
      expect(first.status === 'ran' && first.run.id).toBe(second.run.id);
      const runs = await queryRows<{ n: number }>(test.hub.database.db, sql`select count(*)::int as n from sync_runs where source_id = ${source.id}`);
      expect(runs[0].n).toBe(1);
    });
  });
});
