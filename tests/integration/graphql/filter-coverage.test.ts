/**
 * Every filter field of every filtered query applies. The queries and their filter input types are found by
 * introspection, so a filter field added without a case here fails the suite; each case runs the query with and
 * without the field over one small estate and checks that the result changes the way the field says (a filter that is
 * silently ignored returns the unfiltered count).
 *
 * Real hub (PostgreSQL, real API-key authentication, real governance services) over HTTP; inventory rows are seeded
 * directly, change requests and audit events come from the governance service.
 */
import { getIntrospectionQuery, type IntrospectionInputObjectType, type IntrospectionObjectType, type IntrospectionQuery } from 'graphql';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/auth/principal.js';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { toGlobalId } from '../../../src/global-id.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { graphqlRequest } from '../../helpers/processes.js';
import { seedChange, seedDeployment, seedFinding, seedModel, seedRun, seedSource, seedVersion } from '../../helpers/seed.js';
import { createPersonWithKey } from '../../helpers/people.js';
import { accepted } from '../../helpers/governance.js';

/** How a filter value must change the count: some but not all rows, none, all (by definition), or more (tombstones). */
type Effect = 'narrows' | 'empty' | 'all' | 'widens';
type Case = [value: unknown, effect: Effect];

const day = (d: number) => new Date(Date.UTC(2026, 0, d));
const iso = (d: number) => day(d).toISOString();

let test: TestHub;
let validatorKey: string;
const id: Record<string, string> = {};
let auditSince: string;

beforeAll(async () => {
  test = await startTestHub({ http: true });
  const { db } = test.hub.database;
  const mlflow = await seedSource(db, { vendor: 'mlflow', name: 'mlflow-a' });
  const aws = await seedSource(db, { vendor: 'sagemaker', name: 'aws-b' });
  const datarobot = await seedSource(db, { vendor: 'datarobot', name: 'dr-c', enabled: false });
  await seedSource(db, { vendor: 'domino', name: 'domino-d', deletedAt: day(2) });

  const fraud = await seedModel(db, mlflow, { name: 'fraud-detector', description: 'card fraud', owner: 'alice', riskTier: 'HIGH', businessUnit: 'risk', tags: { team: 'payments' }, lastChangedAt: day(10) });
  const churn = await seedModel(db, aws, { name: 'churn-predictor', owner: 'bob', accountableOwner: 'carol', businessUnit: 'marketing', tags: { team: 'crm' }, lastChangedAt: day(5) });
  const pricing = await seedModel(db, aws, { name: 'pricing-engine', owner: 'erin', riskTier: 'LOW', lastChangedAt: day(7) });
  const legacy = await seedModel(db, mlflow, { name: 'legacy-model', deletedAt: day(3), lastChangedAt: day(3) });

  const fraudV1 = await seedVersion(db, fraud, { versionNumber: 1, lifecycleState: 'RETIRED', observedStage: 'ARCHIVED', lastChangedAt: day(2) });
  const fraudV2 = await seedVersion(db, fraud, { versionNumber: 2, lifecycleState: 'DEVELOPMENT', observedStage: 'PRODUCTION', createdBy: 'dave', tags: { gpu: 'yes' }, lastChangedAt: day(10) });
  const churnV1 = await seedVersion(db, churn, { versionNumber: 1, lifecycleState: 'VALIDATION', observedStage: 'STAGING', lastChangedAt: day(5) });
  const pricingV1 = await seedVersion(db, pricing, { versionNumber: 1, lifecycleState: 'PRODUCTION', lastChangedAt: day(7) });
  await seedVersion(db, legacy, { versionNumber: 1, deletedAt: day(3), lastChangedAt: day(3) });

  await seedDeployment(db, fraudV2, { name: 'fraud-endpoint', environment: 'PRODUCTION', environmentRaw: 'production', servingProduction: true, tags: { environment: 'production', team: 'payments' }, lastChangedAt: day(10) });
  const churnStaging = await seedDeployment(db, churnV1, { name: 'churn-staging', environment: 'STAGING', environmentRaw: 'staging', tags: { environment: 'staging' }, lastChangedAt: day(5) });
  await seedDeployment(db, fraudV1, { name: 'fraud-old', environment: 'PRODUCTION', deletedAt: day(3), lastChangedAt: day(3) });

  await seedFinding(db, fraudV2, { kind: 'UNGOVERNED_PRODUCTION', openedAt: day(9) });
  await seedFinding(db, { id: churn.id, sourceId: aws.id }, { kind: 'MISSING_OWNER', entityKind: 'model', openedAt: day(4), resolvedAt: day(6) });
  await seedFinding(db, { id: datarobot.id, sourceId: datarobot.id }, { kind: 'STALE_SOURCE', entityKind: 'source', openedAt: day(1) });

  const succeeded = await seedRun(db, mlflow, { status: 'SUCCEEDED', startedAt: day(9) });
  await seedRun(db, mlflow, { status: 'FAILED', startedAt: day(8) });
  const partial = await seedRun(db, aws, { status: 'PARTIAL', startedAt: day(4) });
  await seedChange(db, fraudV2, { runId: succeeded.id, change: 'UPDATED', at: day(9) });
  await seedChange(db, churnStaging, { entityKind: 'deployment', runId: partial.id, change: 'CREATED', at: day(4) });
  await seedChange(db, fraud, { entityKind: 'model', change: 'DELETED', at: day(2) });

  // Governance: dana's request is pending, erin's was withdrawn; the VALIDATOR key may decide dana's only.
  const { governance, apiKeys } = test.hub.services;
  // dana is a person (her requests carry her person id); erin signs in with a credential linked to none.
  const dana = await test.hub.services.people.createPerson({ email: 'dana.filters@example.com', displayName: 'dana', roles: ['DATA_SCIENTIST'] }, systemPrincipal('test'));
  id.danaPerson = dana.id;
  const person = (name: string): Principal => ({ id: name, displayName: name, roles: ['DATA_SCIENTIST'], personId: name === 'dana' ? dana.id : null, kind: 'jwt' });
  const pending = await accepted(governance.changeRequests.requestLifecycleTransition({ modelVersionId: fraudV2.id, toState: 'VALIDATION', justification: 'ready for validation', evidence: [] }, person('dana')));
  await new Promise((resolve) => setTimeout(resolve, 20));
  auditSince = new Date().toISOString();
  const withdrawn = await accepted(governance.changeRequests.requestLifecycleTransition({ modelVersionId: churnV1.id, toState: 'DEVELOPMENT', justification: 'needs more data', evidence: [] }, person('erin')));
  await accepted(governance.changeRequests.cancelChangeRequest(withdrawn.id, person('erin')));
  await db.execute(sql`update change_requests set created_at = ${iso(1)}::timestamptz where id = ${withdrawn.id}`);
  validatorKey = (await createPersonWithKey(test.hub.services, { name: 'validator', roles: ['VALIDATOR'] })).key;
  // Controls under four eyes: rita's tier lowering of fraud-detector is pending, her owner change of churn withdrawn.
  const rita: Principal = { id: 'rita', displayName: 'rita', roles: ['RISK_OFFICER'], personId: null, kind: 'jwt' };
  await accepted(governance.controls.requestRiskTierChange(fraud.id, 'LOW', 'back-tested at low materiality', rita));
  const ownerChange = await accepted(governance.controls.requestOwnerChange(churn.id, { text: 'dave' }, 'carol moved teams', rita));
  await accepted(governance.controls.cancelControlRequest(ownerChange.id, rita));

  Object.assign(id, {
    mlflow: mlflow.id, aws: aws.id, fraud: fraud.id, churn: churn.id, pricing: pricing.id,
    fraudV2: fraudV2.id, churnV1: churnV1.id, pricingV1: pricingV1.id, succeeded: succeeded.id, pending: pending.id, withdrawn: withdrawn.id,
  });
});

afterAll(async () => {
  await test?.close();
});

const g = (type: string, key: string) => toGlobalId(type, id[key]);

/** The inventory filter's cases, per connection that takes it (each entity applies a field through its relations). */
function inventoryCases(entity: 'models' | 'modelVersions' | 'deployments' | 'inventoryStats'): Record<string, Case[]> {
  const deployments = entity === 'deployments';
  return {
    vendors: [[['SAGEMAKER'], 'narrows']],
    sourceIds: [[[g('Source', 'aws')], 'narrows']],
    modelIds: [[[g('Model', 'churn')], 'narrows']],
    versionIds: [[[g('ModelVersion', 'churnV1')], 'narrows']],
    lifecycleStates: [[['VALIDATION'], 'narrows']],
    observedStages: [[['PRODUCTION'], 'narrows']],
    riskTiers: [[['HIGH'], 'narrows']],
    unclassified: [[true, 'narrows'], [false, 'narrows']],
    businessUnits: [[['marketing'], 'narrows']],
    owners: [[['carol'], 'narrows']],
    // Every live deployment is deployed: for deployments `deployed: true` is all of them and `false` none.
    deployed: deployments ? [[true, 'all'], [false, 'empty']] : [[true, 'narrows'], [false, 'narrows']],
    inProduction: [[true, 'narrows'], [false, 'narrows']],
    environments: [[['STAGING'], 'narrows']],
    hasOpenFindings: [[true, 'narrows'], [false, 'narrows']],
    includeDeleted: [[true, 'widens']],
    changedSince: [[iso(6), 'narrows']],
    changedBefore: [[iso(6), 'narrows']],
    search: [['churn', 'narrows']],
    // Each record's own tags: the models' and deployments' `team`, the versions' `gpu` (versions carry no `team`).
    tags: [
      [[{ key: entity === 'modelVersions' || entity === 'inventoryStats' ? 'gpu' : 'team' }], 'narrows'],
      [[{ key: 'team', value: deployments ? 'payments' : 'crm' }], entity === 'modelVersions' || entity === 'inventoryStats' ? 'empty' : 'narrows'],
    ],
  };
}

/** Built once the estate is seeded (the cases name its ids). */
const cases = (): Record<string, Record<string, Case[]>> => ({
  models: inventoryCases('models'),
  modelVersions: inventoryCases('modelVersions'),
  deployments: inventoryCases('deployments'),
  inventoryStats: inventoryCases('inventoryStats'),
  sources: {
    vendors: [[['MLFLOW'], 'narrows']],
    enabled: [[true, 'narrows'], [false, 'narrows']],
    includeDeleted: [[true, 'widens']],
    search: [['aws', 'narrows']],
  },
  syncRuns: {
    sourceIds: [[[g('Source', 'aws')], 'narrows']],
    statuses: [[['FAILED'], 'narrows']],
    startedSince: [[iso(7), 'narrows']],
    startedBefore: [[iso(7), 'narrows']],
  },
  inventoryChanges: {
    sourceIds: [[[g('Source', 'aws')], 'narrows']],
    runIds: [[[g('SyncRun', 'succeeded')], 'narrows']],
    entityIds: [[[g('Model', 'fraud')], 'narrows']],
    entityKinds: [[['deployment'], 'narrows']],
    changes: [[['CREATED'], 'narrows']],
    since: [[iso(5), 'narrows']],
    before: [[iso(5), 'narrows']],
  },
  findings: {
    kinds: [[['MISSING_OWNER'], 'narrows']],
    sourceIds: [[[g('Source', 'aws')], 'narrows']],
    entityIds: [[[g('ModelVersion', 'fraudV2')], 'narrows']],
    open: [[true, 'narrows'], [false, 'narrows']],
    openedSince: [[iso(3), 'narrows']],
  },
  changeRequests: {
    status: [[['PENDING'], 'narrows']],
    requesterId: [['dana', 'narrows']],
    requesterPersonId: [[g('Person', 'danaPerson'), 'narrows']],
    eligibleForMe: [[true, 'narrows'], [false, 'narrows']],
    modelId: [[g('Model', 'churn'), 'narrows']],
    modelVersionId: [[g('ModelVersion', 'fraudV2'), 'narrows']],
    vendor: [['SAGEMAKER', 'narrows']],
    createdAfter: [[iso(5), 'narrows']],
    createdBefore: [[iso(5), 'narrows']],
  },
  controlRequests: {
    status: [[['PENDING'], 'narrows']],
    kind: [[['RISK_TIER_CHANGE'], 'narrows'], [['ROLE_GRANT'], 'empty']],
    modelId: [[g('Model', 'churn'), 'narrows']],
  },
  auditEvents: {
    entityKind: [['change_request', 'narrows']],
    entityId: [[g('ChangeRequest', 'withdrawn'), 'narrows']],
    actorId: [['dana', 'narrows']],
    actions: [[['change_request.cancelled'], 'narrows'], [['change_request.'], 'narrows']],
    since: [[auditSince, 'narrows']],
  },
});

async function count(field: string, filterType: string, filter: Record<string, unknown> | null): Promise<number> {
  const selection = field === 'inventoryStats' ? `inventoryStats(groupBy: [VENDOR], filter: $filter) { versionCount }` : `${field}(filter: $filter) { totalCount }`;
  const { body } = await graphqlRequest(test.http!.url, validatorKey, `query($filter: ${filterType}) { ${selection} }`, { filter });
  expect(body.errors, JSON.stringify({ field, filter })).toBeUndefined();
  const data = body.data![field] as { totalCount: number } | Array<{ versionCount: number }>;
  return Array.isArray(data) ? data.reduce((sum, group) => sum + group.versionCount, 0) : data.totalCount;
}

describe('filters of every filtered query', () => {
  let filtered: Array<{ field: string; filterType: string; inputs: string[] }>;

  beforeAll(async () => {
    const { body } = await graphqlRequest<IntrospectionQuery>(test.http!.url, validatorKey, getIntrospectionQuery());
    const schema = body.data!.__schema;
    const types = new Map(schema.types.map((type) => [type.name, type]));
    const query = types.get(schema.queryType.name) as IntrospectionObjectType;
    filtered = query.fields.flatMap((field) => {
      const arg = field.args.find((a) => a.name === 'filter');
      if (!arg || arg.type.kind !== 'INPUT_OBJECT') return [];
      const input = types.get(arg.type.name) as IntrospectionInputObjectType;
      return [{ field: field.name, filterType: input.name, inputs: input.inputFields.map((f) => f.name) }];
    });
  });

  it('should have a case for every filter field of every query that takes a filter', () => {
    const CASES = cases();
    expect(filtered.map((f) => f.field).sort()).toEqual(Object.keys(CASES).sort());
    for (const { field, inputs } of filtered) expect({ field, fields: [...inputs].sort() }).toEqual({ field, fields: Object.keys(CASES[field]).sort() });
  });

  it('should change every result the way each filter value says', async () => {
    const CASES = cases();
    const failures: string[] = [];
    for (const { field, filterType, inputs } of filtered) {
      const all = await count(field, filterType, null);
      for (const input of inputs) {
        for (const [value, effect] of CASES[field]?.[input] ?? []) {
          const n = await count(field, filterType, { [input]: value });
          const holds = { narrows: n > 0 && n < all, empty: n === 0 && all > 0, all: n === all, widens: n > all }[effect];
          if (!holds) failures.push(`${field}(filter: { ${input}: ${JSON.stringify(value)} }) gave ${n} of ${all}, expected it to be ${effect}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
