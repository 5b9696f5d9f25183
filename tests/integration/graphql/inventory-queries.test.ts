/**
 * The inventory read API through real HTTP on a real PostgreSQL database: filters, orderings, keyset pagination,
 * totalCount, relations both ways, node round trips and inventoryStats. Rows are seeded directly (tests/helpers/seed.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/global-id.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startGraphQLTestServer, type GraphQLTestServer } from '../../helpers/graphql.js';
import { seedChange, seedDeployment, seedFinding, seedModel, seedRun, seedSource, seedVersion } from '../../helpers/seed.js';

let database: TestDatabase;
let server: GraphQLTestServer;
const ids: Record<string, string> = {};
const day = (d: number) => new Date(Date.UTC(2026, 0, d));

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  const db = database.handle.db;
  const mlflow = await seedSource(db, { vendor: 'mlflow', name: 'mlflow-prod', secretCiphertext: 'k1:c2VjcmV0', secretUpdatedAt: day(2) });
  const sagemaker = await seedSource(db, { vendor: 'sagemaker', name: 'aws-main' });
  // fraud: HIGH, risk unit, in production with an open finding; churn: unclassified, deployed (not prod); legacy: tombstoned.
  const fraud = await seedModel(db, mlflow, { name: 'fraud-detector', description: 'Card fraud 50%_off scorer', owner: 'alice', riskTier: 'HIGH', businessUnit: 'risk', tags: { team: 'payments', tier: 'gold' }, lastChangedAt: day(10) });
  const churn = await seedModel(db, sagemaker, { name: 'churn-predictor', description: 'Customer churn', owner: 'bob', accountableOwner: 'carol', businessUnit: 'marketing', tags: { team: 'crm' }, lastChangedAt: day(5) });
  const legacy = await seedModel(db, mlflow, { name: 'legacy-model', deletedAt: day(3), lastChangedAt: day(3) });
  const pricing = await seedModel(db, sagemaker, { name: 'pricing-engine', riskTier: 'LOW', businessUnit: 'risk', lastChangedAt: day(7) });
  const fraudV1 = await seedVersion(db, fraud, { versionNumber: 1, version: '1', lifecycleState: 'RETIRED', observedStage: 'ARCHIVED' });
  const fraudV2 = await seedVersion(db, fraud, { versionNumber: 2, version: '2', lifecycleState: 'DEVELOPMENT', observedStage: 'PRODUCTION', createdBy: 'dave' });
  const churnV1 = await seedVersion(db, churn, { versionNumber: 1, version: '1', lifecycleState: 'VALIDATION', observedStage: 'STAGING' });
  await seedVersion(db, legacy, { versionNumber: 1, deletedAt: day(3) });
  const pricingV1 = await seedVersion(db, pricing, { versionNumber: 1, lifecycleState: 'PRODUCTION', observedStage: 'PRODUCTION' });
  const fraudProd = await seedDeployment(db, fraudV2, { name: 'fraud-endpoint', servingProduction: true, environment: 'PRODUCTION', environmentRaw: 'prod', tags: { env: 'prod' } });
  await seedDeployment(db, churnV1, { name: 'churn-staging', servingProduction: false, environment: 'STAGING', environmentRaw: 'staging' });
  await seedDeployment(db, pricingV1, { name: 'pricing-old', servingProduction: true, environment: 'PRODUCTION', deletedAt: day(4) });
  const finding = await seedFinding(db, fraudV2, { kind: 'UNGOVERNED_PRODUCTION' });
  await seedFinding(db, churnV1, { kind: 'MISSING_OWNER', resolvedAt: day(6) });
  const run = await seedRun(db, mlflow, { status: 'SUCCEEDED', created: 3, startedAt: day(9) });
  await seedRun(db, mlflow, { status: 'FAILED', error: 'vendor unreachable', startedAt: day(8) });
  const queued = await seedRun(db, sagemaker, { status: 'QUEUED', trigger: 'manual', startedAt: day(11) });
  const change = await seedChange(db, fraudV2, { runId: run.id, change: 'UPDATED', changedFields: ['observedStage'] });
  Object.assign(ids, {
    mlflow: mlflow.id, sagemaker: sagemaker.id, fraud: fraud.id, churn: churn.id, legacy: legacy.id, pricing: pricing.id,
    fraudV1: fraudV1.id, fraudV2: fraudV2.id, churnV1: churnV1.id, pricingV1: pricingV1.id, fraudProd: fraudProd.id,
    finding: finding.id, run: run.id, queued: queued.id, change: change.id,
  });
  server = await startGraphQLTestServer(database.url!);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

async function modelNames(filter: Record<string, unknown>, orderBy?: Record<string, unknown>): Promise<string[]> {
  const { body } = await server.query(`query($filter: InventoryFilter, $orderBy: ModelOrder) { models(filter: $filter, orderBy: $orderBy) { nodes { name } } }`, { filter, orderBy });
  expect(body.errors).toBeUndefined();
  return body.data.models.nodes.map((n: { name: string }) => n.name);
}

describe('InventoryResolvers', () => {
  describe('models filters', () => {
    it.each([
      ['no filter (tombstones excluded)', {}, ['churn-predictor', 'fraud-detector', 'pricing-engine']],
      ['includeDeleted', { includeDeleted: true }, ['churn-predictor', 'fraud-detector', 'legacy-model', 'pricing-engine']],
      ['vendor', { vendors: ['SAGEMAKER'] }, ['churn-predictor', 'pricing-engine']],
      ['lifecycle state of a live version', { lifecycleStates: ['VALIDATION'] }, ['churn-predictor']],
      ['observed stage', { observedStages: ['PRODUCTION'] }, ['fraud-detector', 'pricing-engine']],
      ['risk tier', { riskTiers: ['HIGH', 'CRITICAL'] }, ['fraud-detector']],
      ['unclassified', { unclassified: true }, ['churn-predictor']],
      ['business unit', { businessUnits: ['risk'] }, ['fraud-detector', 'pricing-engine']],
      ['owner matches vendor or accountable owner', { owners: ['carol'] }, ['churn-predictor']],
      ['deployed', { deployed: true }, ['churn-predictor', 'fraud-detector']],
      ['not deployed (tombstoned deployments do not count)', { deployed: false }, ['pricing-engine']],
      ['in production', { inProduction: true }, ['fraud-detector']],
      ['has open findings (resolved ones do not count)', { hasOpenFindings: true }, ['fraud-detector']],
      ['changed since', { changedSince: day(6).toISOString() }, ['fraud-detector', 'pricing-engine']],
      ['changed before', { changedBefore: day(6).toISOString() }, ['churn-predictor']],
      ['search is case-insensitive on name and description', { search: 'CHURN' }, ['churn-predictor']],
      ['search treats % and _ literally', { search: '50%_off' }, ['fraud-detector']],
      ['a lone % matching only text that contains %', { search: '%' }, ['fraud-detector']],
      ['tag key', { tags: [{ key: 'tier' }] }, ['fraud-detector']],
      ['tag key and value', { tags: [{ key: 'team', value: 'crm' }] }, ['churn-predictor']],
      ['combined filters AND together', { businessUnits: ['risk'], inProduction: true }, ['fraud-detector']],
    ])('should filter by %s', async (_name, filter, expected) => {
      expect(await modelNames(filter)).toEqual(expected);
    });

    it('should filter by source id and refuse an id of another type', async () => {
      expect(await modelNames({ sourceIds: [toGlobalId('Source', ids.sagemaker)] })).toEqual(['churn-predictor', 'pricing-engine']);
      const { body } = await server.query(`query($f: InventoryFilter) { models(filter: $f) { totalCount } }`, { f: { sourceIds: [toGlobalId('Model', ids.fraud)] } });
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.errors[0].message).toMatch(/identifies a Model, expected Source/);
    });
  });

  describe('models ordering', () => {
    it.each([
      ['NAME DESC', { field: 'NAME', direction: 'DESC' }, ['pricing-engine', 'fraud-detector', 'churn-predictor']],
      ['UPDATED DESC', { field: 'UPDATED', direction: 'DESC' }, ['fraud-detector', 'pricing-engine', 'churn-predictor']],
      ['RISK_TIER DESC (unclassified last)', { field: 'RISK_TIER', direction: 'DESC' }, ['fraud-detector', 'pricing-engine', 'churn-predictor']],
      ['RISK_TIER ASC (unclassified first)', { field: 'RISK_TIER', direction: 'ASC' }, ['churn-predictor', 'pricing-engine', 'fraud-detector']],
    ])('should order by %s', async (_name, orderBy, expected) => {
      expect(await modelNames({}, orderBy)).toEqual(expected);
    });
  });

  describe('pagination', () => {
    const PAGE = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: ModelOrder) {
      models(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: { includeDeleted: true }) {
        totalCount edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

    it('should page forward with cursors and report totalCount', async () => {
      const first = await server.query(PAGE, { first: 3 });
      expect(first.body.data.models.edges.map((e: any) => e.node.name)).toEqual(['churn-predictor', 'fraud-detector', 'legacy-model']);
      expect(first.body.data.models.totalCount).toBe(4);
      expect(first.body.data.models.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      const second = await server.query(PAGE, { first: 3, after: first.body.data.models.pageInfo.endCursor });
      expect(second.body.data.models.edges.map((e: any) => e.node.name)).toEqual(['pricing-engine']);
      expect(second.body.data.models.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    });

    it('should page backward with last/before in the requested order', async () => {
      const last = await server.query(PAGE, { last: 2 });
      expect(last.body.data.models.edges.map((e: any) => e.node.name)).toEqual(['legacy-model', 'pricing-engine']);
      expect(last.body.data.models.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      const before = await server.query(PAGE, { last: 2, before: last.body.data.models.pageInfo.startCursor });
      expect(before.body.data.models.edges.map((e: any) => e.node.name)).toEqual(['churn-predictor', 'fraud-detector']);
      expect(before.body.data.models.pageInfo.hasPreviousPage).toBe(false);
    });

    it('should neither skip nor repeat rows when rows are inserted between pages', async () => {
      const first = await server.query(PAGE, { first: 2, orderBy: { field: 'UPDATED', direction: 'DESC' } });
      const seen = first.body.data.models.edges.map((e: any) => e.node.name);
      // A row sorting before the cursor and one after it arrive between the two requests.
      const newest = await seedModel(database.handle.db, { id: ids.mlflow }, { name: 'inserted-newest', lastChangedAt: day(20) });
      const oldest = await seedModel(database.handle.db, { id: ids.mlflow }, { name: 'inserted-oldest', lastChangedAt: day(1) });
      const second = await server.query(PAGE, { first: 10, after: first.body.data.models.pageInfo.endCursor, orderBy: { field: 'UPDATED', direction: 'DESC' } });
      const rest = second.body.data.models.edges.map((e: any) => e.node.name);
      expect(seen).toEqual(['fraud-detector', 'pricing-engine']);
      expect(rest).toEqual(['churn-predictor', 'legacy-model', 'inserted-oldest']);
      await database.handle.db.execute(`delete from models where id in ('${newest.id}', '${oldest.id}')` as never);
    });

    it('should keep ties in a stable order by id across pages', async () => {
      const all = await server.query(`{ modelVersions(first: 10, orderBy: { field: STATE }) { nodes { id } } }`);
      const pages: string[] = [];
      let after: string | null = null;
      do {
        const page: any = await server.query(`query($after: String) { modelVersions(first: 1, after: $after, orderBy: { field: STATE }) { nodes { id } pageInfo { hasNextPage endCursor } } }`, { after });
        pages.push(...page.body.data.modelVersions.nodes.map((n: any) => n.id));
        after = page.body.data.modelVersions.pageInfo.hasNextPage ? page.body.data.modelVersions.pageInfo.endCursor : null;
      } while (after);
      expect(pages).toEqual(all.body.data.modelVersions.nodes.map((n: any) => n.id));
    });
  });

  describe('relations', () => {
    it('should walk model → versions → deployments and back', async () => {
      const { body } = await server.query(`query($id: ID!) { node(id: $id) { ... on Model { name source { name vendor hasSecret }
        versions { version lifecycleState deployments { name servingProduction version { version model { name } } } findings { kind } changes { change changedFields run { status } } } } } }`, { id: toGlobalId('Model', ids.fraud) });
      expect(body.errors).toBeUndefined();
      const model = body.data.node;
      expect(model.source).toEqual({ name: 'mlflow-prod', vendor: 'MLFLOW', hasSecret: true });
      expect(model.versions.map((v: any) => v.version)).toEqual(['1', '2']);
      expect(model.versions[1].deployments).toEqual([{ name: 'fraud-endpoint', servingProduction: true, version: { version: '2', model: { name: 'fraud-detector' } } }]);
      expect(model.versions[1].findings).toEqual([{ kind: 'UNGOVERNED_PRODUCTION' }]);
      expect(model.versions[1].changes).toEqual([{ change: 'UPDATED', changedFields: ['observedStage'], run: { status: 'SUCCEEDED' } }]);
    });

    it('should resolve every relation of a look-ahead page as the node path does, whatever columns the page left out', async () => {
      // The page fetches only selected columns; relations read keys the client did not select (sourceId, modelId, versionId).
      const selection = `source { name } vendorAttributes versions { version vendor source { name } model { name } vendorAttributes
        deployments { name vendor source { vendor } version { version } vendorAttributes } }`;
      const page = await server.query(`{ models(filter: { modelIds: ["${toGlobalId('Model', ids.fraud)}"] }) { nodes { ${selection} } } }`);
      const node = await server.query(`query($id: ID!) { node(id: $id) { ... on Model { ${selection} } } }`, { id: toGlobalId('Model', ids.fraud) });
      expect(page.body.errors).toBeUndefined();
      expect(node.body.errors).toBeUndefined();
      const [fraud] = page.body.data.models.nodes;
      expect(fraud).toEqual(node.body.data.node);
      expect(fraud.source).toEqual({ name: 'mlflow-prod' });
      expect(fraud.versions[1]).toMatchObject({ version: '2', vendor: 'MLFLOW', source: { name: 'mlflow-prod' }, model: { name: 'fraud-detector' } });
      expect(fraud.versions[1].deployments).toEqual([
        { name: 'fraud-endpoint', vendor: 'MLFLOW', source: { vendor: 'MLFLOW' }, version: { version: '2' }, vendorAttributes: expect.any(Object) },
      ]);
    });

    it('should list a source with its runs, newest first, and never expose the secret', async () => {
      const { body } = await server.query(`{ sources { nodes { name hasSecret secretUpdatedAt settings lastRun { status } runs { status error } } } }`);
      const mlflow = body.data.sources.nodes.find((s: any) => s.name === 'mlflow-prod');
      expect(mlflow.runs).toEqual([{ status: 'SUCCEEDED', error: null }, { status: 'FAILED', error: 'vendor unreachable' }]);
      expect(mlflow.secretUpdatedAt).toBe(day(2).toISOString());
      expect(JSON.stringify(body)).not.toContain('c2VjcmV0');
    });
  });

  describe('other connections', () => {
    it('should filter versions and deployments by the shared filter', async () => {
      const versions = await server.query(`{ modelVersions(filter: { inProduction: true }) { totalCount nodes { version model { name } } } }`);
      expect(versions.body.data.modelVersions.nodes).toEqual([{ version: '2', model: { name: 'fraud-detector' } }]);
      const deployments = await server.query(`{ deployments(filter: { includeDeleted: true, riskTiers: [LOW] }) { nodes { name deletedAt } } }`);
      expect(deployments.body.data.deployments.nodes).toEqual([{ name: 'pricing-old', deletedAt: day(4).toISOString() }]);
      const owners = await server.query(`{ modelVersions(filter: { owners: ["dave"] }) { nodes { version } } }`);
      expect(owners.body.data.modelVersions.nodes).toEqual([{ version: '2' }]);
    });

    it("should serve each deployment's environment, the vendor's wording of it and its tags, and filter by environment", async () => {
      const { body } = await server.query(`{ deployments(filter: { environments: [PRODUCTION, STAGING] }) { nodes { name environment environmentRaw tags servingProduction } } }`);
      expect(body.errors).toBeUndefined();
      expect(body.data.deployments.nodes).toEqual([
        { name: 'churn-staging', environment: 'STAGING', environmentRaw: 'staging', tags: {}, servingProduction: false },
        { name: 'fraud-endpoint', environment: 'PRODUCTION', environmentRaw: 'prod', tags: { env: 'prod' }, servingProduction: true },
      ]);
      const staged = await server.query(`{ models(filter: { environments: [STAGING] }) { nodes { name } } deployments(filter: { tags: [{ key: "env", value: "prod" }] }) { nodes { name } } }`);
      expect(staged.body.data).toEqual({ models: { nodes: [{ name: 'churn-predictor' }] }, deployments: { nodes: [{ name: 'fraud-endpoint' }] } });
    });

    it('should list findings, runs and changes with their filters', async () => {
      const open = await server.query(`{ findings(filter: { open: true }) { totalCount nodes { kind entityId } } }`);
      expect(open.body.data.findings).toEqual({ totalCount: 1, nodes: [{ kind: 'UNGOVERNED_PRODUCTION', entityId: toGlobalId('ModelVersion', ids.fraudV2) }] });
      const failed = await server.query(`{ syncRuns(filter: { statuses: [FAILED] }) { nodes { error source { name } } } }`);
      expect(failed.body.data.syncRuns.nodes).toEqual([{ error: 'vendor unreachable', source: { name: 'mlflow-prod' } }]);
      const changes = await server.query(`query($id: ID!) { inventoryChanges(filter: { entityIds: [$id] }) { nodes { change entityId } } }`, { id: toGlobalId('ModelVersion', ids.fraudV2) });
      expect(changes.body.data.inventoryChanges.nodes).toEqual([{ change: 'UPDATED', entityId: toGlobalId('ModelVersion', ids.fraudV2) }]);
    });
  });

  describe('syncRuns statuses', () => {
    it('should type a run\'s status with an enum that lists every status a run can have, QUEUED included', async () => {
      const { body } = await server.query(`{
        status: __type(name: "SyncRun") { fields { name type { kind name ofType { kind name } } } }
        filter: __type(name: "SyncRunFilter") { inputFields { name type { kind ofType { kind name ofType { name } } } } }
        values: __type(name: "SyncRunStatus") { enumValues { name description } }
      }`);
      const statusField = body.data.status.fields.find((f: { name: string }) => f.name === 'status');
      expect(statusField.type).toEqual({ kind: 'NON_NULL', name: null, ofType: { kind: 'ENUM', name: 'SyncRunStatus' } });
      const statuses = body.data.filter.inputFields.find((f: { name: string }) => f.name === 'statuses');
      expect(statuses.type).toEqual({ kind: 'LIST', ofType: { kind: 'NON_NULL', name: null, ofType: { name: 'SyncRunStatus' } } });
      expect(body.data.values.enumValues.map((v: { name: string }) => v.name)).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED']);
      expect(body.data.values.enumValues.every((v: { description: string | null }) => v.description)).toBe(true);
    });

    it('should return and filter a QUEUED run', async () => {
      const { body } = await server.query(`{ syncRuns(filter: { statuses: [QUEUED] }) { nodes { id status trigger source { name } } } }`);
      expect(body.errors).toBeUndefined();
      expect(body.data.syncRuns.nodes).toEqual([{ id: toGlobalId('SyncRun', ids.queued), status: 'QUEUED', trigger: 'manual', source: { name: 'aws-main' } }]);
    });
  });

  describe('node', () => {
    it.each([
      ['Model', 'fraud', 'name', 'fraud-detector'],
      ['ModelVersion', 'fraudV2', 'version', '2'],
      ['Deployment', 'fraudProd', 'name', 'fraud-endpoint'],
      ['Source', 'mlflow', 'name', 'mlflow-prod'],
      ['SyncRun', 'run', 'status', 'SUCCEEDED'],
      ['InventoryChange', 'change', 'change', 'UPDATED'],
      ['Finding', 'finding', 'kind', 'UNGOVERNED_PRODUCTION'],
    ])('should round-trip a %s through node(id)', async (type, key, field, value) => {
      const id = toGlobalId(type, ids[key]);
      const { body } = await server.query(`query($id: ID!) { node(id: $id) { __typename id ... on ${type} { ${field} } } }`, { id });
      expect(body.data.node).toEqual({ __typename: type, id, [field]: value });
    });

    it('should return nodes in the order asked with null for missing ones', async () => {
      const missing = toGlobalId('Model', '00000000-0000-4000-8000-000000000000');
      const { body } = await server.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [toGlobalId('Source', ids.sagemaker), missing, toGlobalId('Model', ids.churn)] });
      expect(body.data.nodes).toEqual([{ id: toGlobalId('Source', ids.sagemaker) }, null, { id: toGlobalId('Model', ids.churn) }]);
    });
  });

  describe('inventoryStats', () => {
    it('should count live versions grouped by several dimensions in one request', async () => {
      const { body } = await server.query(`{ inventoryStats(groupBy: [VENDOR, LIFECYCLE_STATE]) { vendor lifecycleState versionCount modelCount riskTier } }`);
      expect(body.data.inventoryStats).toEqual([
        { vendor: 'MLFLOW', lifecycleState: 'DEVELOPMENT', versionCount: 1, modelCount: 1, riskTier: null },
        { vendor: 'MLFLOW', lifecycleState: 'RETIRED', versionCount: 1, modelCount: 1, riskTier: null },
        { vendor: 'SAGEMAKER', lifecycleState: 'VALIDATION', versionCount: 1, modelCount: 1, riskTier: null },
        { vendor: 'SAGEMAKER', lifecycleState: 'PRODUCTION', versionCount: 1, modelCount: 1, riskTier: null },
      ].sort((a, b) => a.vendor.localeCompare(b.vendor) || a.lifecycleState.localeCompare(b.lifecycleState)));
    });

    it('should group by finding kind, in-production and source under a filter', async () => {
      const { body } = await server.query(`{ inventoryStats(groupBy: [FINDING_KIND, IN_PRODUCTION, SOURCE], filter: { businessUnits: ["risk"] }) { findingKind inProduction sourceId versionCount } }`);
      expect(body.data.inventoryStats).toHaveLength(3);
      expect(body.data.inventoryStats).toEqual(
        expect.arrayContaining([
          { findingKind: 'UNGOVERNED_PRODUCTION', inProduction: true, sourceId: toGlobalId('Source', ids.mlflow), versionCount: 1 },
          { findingKind: null, inProduction: false, sourceId: toGlobalId('Source', ids.mlflow), versionCount: 1 },
          { findingKind: null, inProduction: false, sourceId: toGlobalId('Source', ids.sagemaker), versionCount: 1 },
        ]),
      );
    });
  });
});
