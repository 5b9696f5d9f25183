/**
 * Pure projections of the models page are answered with JSON rendered by PostgreSQL (rendered-execution.ts). The
 * answer must be exactly what graphql-js gives over the same schema and rows, for estates synced from all four
 * vendor simulators plus rows with awkward text; every query outside the rendered subset must still run, as before.
 */
import { execute, parse, type GraphQLSchema } from 'graphql';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vendor } from '../../../connectors/contract.js';
import { buildHubSchema } from '../../../src/graphql/build-schema.js';
import { createContext, type GraphQLContext } from '../../../src/graphql/context.js';
import { createRenderedExecution } from '../../../src/graphql/rendered-execution.js';
import type { Role } from '../../../src/auth/principal.js';
import { createLogger } from '../../../src/logger.js';
import { createPgliteTestDatabase } from '../../helpers/db.js';
import { testServices } from '../../helpers/graphql.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { seedDeployment, seedModel, seedSource, seedVersion } from '../../helpers/seed.js';

const VENDORS: Vendor[] = ['mlflow', 'sagemaker', 'datarobot', 'domino'];
const ESTATE = { seed: 7, models: 8, versionsPerModel: 3, deployments: 5 };

let test: TestHub;
let schema: GraphQLSchema;

beforeAll(async () => {
  test = await startTestHub({ http: true });
  for (const vendor of VENDORS) {
    const { source } = await test.addSimulatorSource(vendor, ESTATE);
    const result = await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
    expect(result.status === 'ran' && result.run.status, `${vendor} sync`).toBe('SUCCEEDED');
  }
  const { db } = test.hub.database;
  // Governance attributes and text no vendor simulator writes: quotes, backslashes, control characters, emoji.
  await db.execute(sql`update models set risk_tier = 'HIGH', business_unit = 'Retail "credit" \\ risk', accountable_owner = e'Zoë\\tO''Brien\\u0001 🚀'
                       where id in (select id from models order by name limit 3)`);
  await db.execute(sql`update models set tags = '{"team": "a\\"b", "nested": {"x": [1, 2.5, null, true]}, "ünïcode": "✓"}'::jsonb where id = (select id from models order by name limit 1)`);
  schema = await buildHubSchema(test.hub.services);
}, 180_000);

afterAll(async () => {
  await test?.close();
});

function context(roles: Role[] = ['VIEWER']): GraphQLContext {
  return createContext({
    services: test.hub.services,
    principal: { id: `test:${roles.join('+')}`, displayName: 'test caller', roles, personId: null, kind: 'api-key' },
    logger: createLogger('silent'),
    maxPageSize: 500,
  });
}

/** graphql-js's own answer (data and errors as JSON). */
async function reference(query: string, variables: Record<string, unknown> = {}) {
  const result = await execute({ schema, document: parse(query), variableValues: variables, contextValue: context() });
  return JSON.parse(JSON.stringify({ data: result.data ?? null, errors: result.errors?.map((error) => error.message) }));
}

/** The hub's answer over HTTP, as the bootstrap admin. */
async function overHttp(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${test.http!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${test.env.HUB_BOOTSTRAP_ADMIN_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> };
  return { status: response.status, answer: { data: body.data ?? null, errors: body.errors?.map((error) => error.message) } };
}

/** Whether the rendered path answers the query (null: it declines, and the query runs as usual). */
async function rendered(query: string, variables: Record<string, unknown> = {}, roles?: Role[]) {
  return createRenderedExecution(schema).execute({ document: parse(query), operationName: null, variables, context: context(roles) });
}

const MODEL_FIELDS = 'id __typename name description owner tags deepLink riskTier businessUnit accountableOwner vendorAttributes vendor externalId';
const VERSION_FIELDS =
  'id __typename version versionNumber description observedStage observedStageRaw status statusRaw createdBy artifactUri framework lineage params tags deepLink lifecycleState vendor externalId';
const DEPLOYMENT_FIELDS = 'id __typename name environment environmentRaw tags status statusRaw servingProduction endpointUrl trafficShare deepLink vendor externalId';

const RENDERED: Array<[string, string, Record<string, unknown>?]> = [
  [
    "the bench's page: 50 models with versions and deployments",
    `{ models(first: 50) { edges { node { id name vendor riskTier versions { id version lifecycleState observedStage deployments { id name servingProduction } } } } } }`,
  ],
  ['every column-backed field of all three levels', `{ models(first: 70) { edges { node { ${MODEL_FIELDS} versions { ${VERSION_FIELDS} deployments { ${DEPLOYMENT_FIELDS} } } } } } }`],
  [
    'aliases and __typename at every level, the page size from a variable',
    `query Aliased($n: Int) { __typename m: models(first: $n) { __typename e: edges { __typename n: node { key: id label: name vs: versions { v: version ds: deployments { prod: servingProduction } } } } } }`,
    { n: 7 },
  ],
  ['two pages under two aliases, one of them empty', `{ a: models(first: 3) { edges { node { name } } } b: models(first: 0) { edges { node { name } } } }`],
  ['the default page size', `{ models { edges { node { name externalId } } } }`],
  [
    'cursors, page info and the count, under aliases',
    `{ models(first: 5) { total: totalCount edges { c: cursor node { name } } info: pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor } } }`,
  ],
  ['nodes beside edges', `{ models(first: 3) { nodes { id name versions { version } } edges { cursor } } }`],
  ['an empty page with its page info', `{ models(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`],
  ['page info alone, and a count alone', `{ a: models(first: 3) { pageInfo { hasNextPage endCursor } } b: models { totalCount } }`],
  ['a page past the last row', `{ models(first: 500) { edges { cursor } pageInfo { hasNextPage startCursor endCursor } } }`],
];

const DECLINED: Array<[string, string]> = [
  ['a backward page', `{ models(last: 5) { edges { cursor node { name } } pageInfo { hasPreviousPage startCursor } } }`],
  ['a filter', `{ models(first: 5, filter: { vendors: [MLFLOW] }) { edges { node { name } } } }`],
  ['a fragment', `{ models(first: 5) { edges { node { ...M } } } } fragment M on Model { name }`],
  ['a directive', `query($skip: Boolean!) { models(first: 5) { edges { node { name @skip(if: $skip) } } } }`],
  ['a timestamp', `{ models(first: 5) { edges { node { name firstSeenAt } } } }`],
  ['a relation the renderer does not know', `{ models(first: 5) { edges { node { name source { name } } } } }`],
  ['a field with a resolver of its own', `{ models(first: 5) { edges { node { versions { vendorAttributes } } } } }`],
  ['an ordering', `{ models(first: 5, orderBy: { field: RISK_TIER, direction: DESC }) { edges { node { name } } } }`],
];

describe('models pages rendered by PostgreSQL', () => {
  it.each(RENDERED)('should answer %s exactly as graphql-js does', async (_name, query, variables = {}) => {
    expect(await rendered(query, variables)).not.toBeNull();
    const expected = await reference(query, variables);
    expect(expected.errors).toBeUndefined();
    const { status, answer } = await overHttp(query, variables);
    expect(status, JSON.stringify(answer.errors)).toBe(200);
    expect(answer).toEqual(expected);
  });

  it('should render the awkward text and nested tags the rows hold', async () => {
    const { answer } = await overHttp(`{ models(first: 1) { edges { node { tags businessUnit accountableOwner } } } }`);
    const node = (answer.data as { models: { edges: Array<{ node: Record<string, unknown> }> } }).models.edges[0].node;
    expect(node).toEqual({ tags: { team: 'a"b', nested: { x: [1, 2.5, null, true] }, ünïcode: '✓' }, businessUnit: 'Retail "credit" \\ risk', accountableOwner: 'Zoë\tO\'Brien\u0001 🚀' });
  });

  it('should walk every page by its cursors, each page as graphql-js answers it, and hand over to the usual path', async () => {
    const query = `query($after: String) { models(first: 7, after: $after) { edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage endCursor } totalCount } }`;
    type Page = { models: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number } };
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const variables = { after };
      expect(await rendered(query, variables)).not.toBeNull();
      const { answer } = await overHttp(query, variables);
      expect(answer).toEqual(await reference(query, variables));
      const { models } = answer.data as Page;
      seen.push(...models.edges.map((edge) => edge.node.id));
      if (!models.pageInfo.hasNextPage) break;
      after = models.pageInfo.endCursor;
    }
    const total = ((await overHttp(`{ models { totalCount } }`)).answer.data as Page).models.totalCount;
    expect(new Set(seen).size).toBe(total);
    expect(seen).toHaveLength(total);
    // A rendered cursor is the usual path's cursor: a filtered page (served the usual way) accepts it.
    const firstCursor = ((await overHttp(`{ models(first: 1) { edges { cursor } } }`)).answer.data as { models: { edges: Array<{ cursor: string }> } }).models.edges[0].cursor;
    const usual = `query($after: String) { models(first: 3, after: $after, filter: { vendors: [MLFLOW, SAGEMAKER, DATAROBOT, DOMINO] }) { edges { node { id } } } }`;
    expect(await rendered(usual, { after: firstCursor })).toBeNull();
    const next = (await overHttp(usual, { after: firstCursor })).answer.data as { models: { edges: Array<{ node: { id: string } }> } };
    expect(next.models.edges.map((edge) => edge.node.id)).toEqual(seen.slice(1, 4));
  });

  it('should continue after a cursor from a page the usual path served', async () => {
    const first = (await overHttp(`{ models(first: 4) { pageInfo { endCursor } } }`)).answer.data as { models: { pageInfo: { endCursor: string } } };
    const query = `query($after: String) { models(first: 4, after: $after) { edges { node { id name } } } }`;
    const variables = { after: first.models.pageInfo.endCursor };
    expect(await rendered(query, variables)).not.toBeNull();
    const { answer } = await overHttp(query, variables);
    expect(answer).toEqual(await reference(query, variables));
    expect((answer.data as { models: { edges: unknown[] } }).models.edges).toHaveLength(4);
  });

  it.each(DECLINED)('should leave a query with %s to the usual path, which answers it', async (_name, query) => {
    const variables = query.includes('$skip') ? { skip: false } : {};
    expect(await rendered(query, variables)).toBeNull();
    const { status, answer } = await overHttp(query, variables);
    expect(status).toBe(200);
    expect(answer).toEqual(await reference(query, variables));
  });

  it('should leave refusals to the usual path: a caller without a role, a page too large, a bad cursor', async () => {
    const query = `{ models(first: 5) { edges { node { name } } } }`;
    expect(await rendered(query, {}, [])).toBeNull();
    expect(await rendered(`{ models(first: 501) { edges { node { name } } } }`)).toBeNull();
    const badCursor = await overHttp(`{ models(first: 5, after: "not-a-cursor") { edges { node { name } } } }`);
    expect(badCursor.answer.errors).toEqual(['Invalid cursor: malformed']);
    const tooLarge = await overHttp(`{ models(first: 501) { edges { node { name } } } }`);
    expect(tooLarge.answer.errors?.[0]).toMatch(/must be at most 500/);
  });

  it('should leave a stored value the API cannot name to the usual path, which reports it', async () => {
    const { db } = test.hub.database;
    await db.execute(sql`update model_versions set observed_stage = 'SIDEWAYS' where id = (select id from model_versions order by id limit 1)`);
    try {
      const query = `{ models(first: 500) { edges { node { versions { observedStage } } } } }`;
      expect(await rendered(query)).toBeNull();
      // The usual path refuses to serialise the value (an internal error, logged in full), never a silent null.
      const { answer } = await overHttp(query);
      expect(answer.errors).toEqual(['Internal server error']);
      expect((await reference(query)).errors?.[0]).toMatch(/ObservedStage.*SIDEWAYS/);
    } finally {
      await db.execute(sql`update model_versions set observed_stage = 'NONE' where observed_stage = 'SIDEWAYS'`);
    }
  });
});

describe('models pages rendered by the embedded database (PGlite)', () => {
  it('should answer a page with every level exactly as graphql-js does over the same rows', async () => {
    const database = await createPgliteTestDatabase();
    try {
      const { db } = database.handle;
      const source = await seedSource(db, { vendor: 'domino', name: 'domino-prod' });
      for (const [index, name] of ['churn', 'fraud "v2"', 'pricing ✓'].entries()) {
        const model = await seedModel(db, source, { name, riskTier: index === 1 ? 'HIGH' : null, tags: { team: `t${index}` } });
        for (let number = 1; number <= 2; number++) {
          const version = await seedVersion(db, model, { versionNumber: number, version: String(number), lineage: { runId: `run-${number}` } });
          if (number === 2) await seedDeployment(db, version, { name: `${name}-endpoint`, servingProduction: index !== 2, trafficShare: 0.25 });
        }
      }
      const services = testServices(db);
      const embeddedSchema = await buildHubSchema(services);
      const query = `{ models(first: 10) { edges { node { ${MODEL_FIELDS} versions { ${VERSION_FIELDS} deployments { ${DEPLOYMENT_FIELDS} } } } } } }`;
      const contextValue = createContext({ services, principal: { id: 'test:VIEWER', displayName: 'test caller', roles: ['VIEWER'], personId: null, kind: 'api-key' }, logger: createLogger('silent'), maxPageSize: 500 });
      const execution = createRenderedExecution(embeddedSchema);
      const result = await execution.execute({ document: parse(query), operationName: null, variables: {}, context: contextValue });
      expect(result).not.toBeNull();
      const answer = JSON.parse(execution.splice(contextValue, JSON.stringify(result))) as { data: unknown };
      const expected = await execute({ schema: embeddedSchema, document: parse(query), contextValue: createContext({ ...contextValue, services, maxPageSize: 500 }) });
      expect(expected.errors).toBeUndefined();
      expect(answer.data).toEqual(JSON.parse(JSON.stringify(expected.data)));
      expect((answer.data as { models: { edges: unknown[] } }).models.edges).toHaveLength(3);
    } finally {
      await database.drop();
    }
  });
});
