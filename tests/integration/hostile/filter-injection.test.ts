/**
 * Injection through every string filter of the inventory queries: text search, owners, tag keys and values, business
 * units, source search. The vendor estate holds records whose names, owners and tags contain the very characters an
 * attacker uses, so "correct" is checked against an oracle computed here from the simulator's estate, not against
 * whatever the database happens to return.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimModel } from '../../../connectors/shared/simulator-kit.js';
import { toGlobalId } from '../../../src/global-id.js';
import { codesOf, expectCleanAnswer, hostileClient, type HostileClient } from '../../helpers/hostile-http.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';

const SPECIAL_MODELS: Array<{ name: string; owner: string; tags: Record<string, string> }> = [
  { name: 'discount-50%-off', owner: "o'hara@example.com", tags: { team: '%', 'cost centre': '50_50' } },
  { name: 'discount-50_off', owner: '%', tags: { team: "x' or '1'='1", '$.a[*]': 'json-path-key' } },
  { name: 'back\\slash-scorer', owner: 'back\\slash@example.com', tags: { team: '\\' } },
  { name: "quote'd-model", owner: "' or 1=1 --", tags: { team: 'growth', "it's": 'quoted key' } },
  { name: 'json-$.a[*]-ranker', owner: 'json@example.com', tags: { team: '$..*' } },
];

const ATTACKS = ['%', '_', '\\', "'", "' or 1=1 --", "%' or '1'='1", '50%', '50_', '%_\\', '$.a[*]', '$..*', '*', '.*', '[', 'DISCOUNT-50%', "'); drop table models; --"];

let test: TestHub;
let client: HostileClient;
let estate: SimModel[];
/** Business units set through the API, by model name. */
const businessUnits: Record<string, string> = { 'discount-50%-off': '%', 'discount-50_off': "risk' or '1'='1", "quote'd-model": 'risk' };

beforeAll(async () => {
  test = await startTestHub({ http: true });
  client = hostileClient(test.http!.url, test.env.HUB_BOOTSTRAP_ADMIN_KEY);
  const { source, simulator } = await test.addSimulatorSource('mlflow', { seed: 3, models: 8, versionsPerModel: 1, deployments: 2, name: 'plain source' });
  for (const special of SPECIAL_MODELS) {
    const model = simulator.store.addModel({ name: special.name, owner: special.owner });
    // MLflow carries the owner as a tag; the connector reads it from there.
    model.tags = { ...special.tags, owner: special.owner };
  }
  await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
  estate = simulator.store.estate.models;

  for (const [name, businessUnit] of Object.entries(businessUnits)) {
    const found = await client.graphql('query($s: String) { models(filter: { search: $s }) { nodes { id name } } }', { s: name });
    const id = (found.body?.data as { models: { nodes: Array<{ id: string; name: string }> } }).models.nodes.find((n) => n.name === name)!.id;
    const set = await client.graphql('mutation($id: ID!, $bu: String) { setModelGovernance(modelId: $id, input: { businessUnit: $bu }) { businessUnit } }', { id, bu: businessUnit });
    expect(set.body?.data).toEqual({ setModelGovernance: { businessUnit } });
  }
  await test.addSourceFor('mlflow', simulator, { name: 'source 100% literal_name', enabled: false });
}, 120_000);

afterAll(async () => {
  await test?.close();
});

async function modelNames(filter: Record<string, unknown>): Promise<string[]> {
  const answer = await client.graphql('query($f: InventoryFilter) { models(first: 500, filter: $f) { totalCount nodes { name } } }', { f: filter });
  expectCleanAnswer(answer, JSON.stringify(filter));
  expect(answer.body?.errors, JSON.stringify(answer.body?.errors)).toBeUndefined();
  const models = (answer.body?.data as { models: { totalCount: number; nodes: Array<{ name: string }> } }).models;
  expect(models.totalCount).toBe(models.nodes.length);
  return models.nodes.map((n) => n.name).sort();
}

const sorted = (names: string[]) => [...names].sort();
const contains = (text: string | undefined, search: string) => (text ?? '').toLowerCase().includes(search.toLowerCase());

describe('Inventory string filters under injection', () => {
  describe('search', () => {
    it.each(ATTACKS)('should match %j literally in names and descriptions', async (search) => {
      const expected = estate.filter((m) => contains(m.name, search) || contains(m.description, search)).map((m) => m.name);
      expect(await modelNames({ search })).toEqual(sorted(expected));
    });

    it('should find only the model whose name holds a literal %, not every model', async () => {
      expect(await modelNames({ search: '50%' })).toEqual(['discount-50%-off']);
      expect(await modelNames({ search: '50_' })).toEqual(['discount-50_off']);
    });

    it.each(['%', '_', "' or 1=1 --"])('should match %j literally in version and deployment searches too', async (search) => {
      const versions = await client.graphql('query($s: String) { modelVersions(first: 500, filter: { search: $s }) { nodes { model { name } } } }', { s: search });
      expectCleanAnswer(versions);
      const versionModels = new Set((versions.body?.data as { modelVersions: { nodes: Array<{ model: { name: string } }> } }).modelVersions.nodes.map((n) => n.model.name));
      const expectedModels = estate.filter((m) => contains(m.name, search) || m.versions.some((v) => contains(v.description, search))).map((m) => m.name);
      expect(sorted([...versionModels])).toEqual(sorted(expectedModels));
      const deployments = await client.graphql('query($s: String) { deployments(first: 500, filter: { search: $s }) { totalCount } }', { s: search });
      expectCleanAnswer(deployments);
      expect(deployments.body?.errors).toBeUndefined();
    });
  });

  describe('owners', () => {
    it.each(["' or 1=1 --", '%', "o'hara@example.com", 'back\\slash@example.com', '%@example.com', "%' or '1'='1"])('should match owner %j exactly', async (owner) => {
      const expected = SPECIAL_MODELS.filter((m) => m.owner === owner).map((m) => m.name);
      expect(await modelNames({ owners: [owner] })).toEqual(sorted(expected));
    });
  });

  describe('tags', () => {
    it.each([
      [{ key: 'team', value: '%' }, ['discount-50%-off']],
      [{ key: 'team', value: "x' or '1'='1" }, ['discount-50_off']],
      [{ key: 'team', value: '\\' }, ['back\\slash-scorer']],
      [{ key: '$.a[*]' }, ['discount-50_off']],
      [{ key: '$.a[*]', value: 'json-path-key' }, ['discount-50_off']],
      [{ key: "it's" }, ["quote'd-model"]],
      [{ key: 'cost centre', value: '50%50' }, []],
      [{ key: "' or 1=1 --" }, []],
      [{ key: 'team', value: "' or 1=1 --" }, []],
      [{ key: '$..*' }, []],
      [{ key: '{team}' }, []],
      [{ key: 'team', value: '$..*' }, ['json-$.a[*]-ranker']],
    ])('should match tag %j as a literal key and value', async (tag, expected) => {
      expect(await modelNames({ tags: [tag] })).toEqual(sorted(expected));
    });
  });

  describe('business units', () => {
    it.each(['%', "risk' or '1'='1", 'risk', "' or 1=1 --", '_'])('should match business unit %j exactly', async (unit) => {
      const expected = Object.entries(businessUnits)
        .filter(([, value]) => value === unit)
        .map(([name]) => name);
      expect(await modelNames({ businessUnits: [unit] })).toEqual(sorted(expected));
    });

    it('should count stats per business unit with hostile values as plain groups', async () => {
      const answer = await client.graphql('{ inventoryStats(groupBy: [BUSINESS_UNIT], filter: { businessUnits: ["%", "risk\' or \'1\'=\'1"] }) { businessUnit modelCount } }');
      expectCleanAnswer(answer);
      expect(answer.body?.errors).toBeUndefined();
      const groups = (answer.body?.data as { inventoryStats: Array<{ businessUnit: string; modelCount: number }> }).inventoryStats;
      expect(groups.sort((a, b) => a.businessUnit.localeCompare(b.businessUnit))).toEqual([
        { businessUnit: '%', modelCount: 1 },
        { businessUnit: "risk' or '1'='1", modelCount: 1 },
      ]);
    });
  });

  describe('sources', () => {
    it.each([
      ['%', ['source 100% literal_name']],
      ['_', ['source 100% literal_name']],
      ["' or 1=1 --", []],
      ['plain', ['plain source']],
    ])('should search source names for %j literally', async (search, expected) => {
      const answer = await client.graphql('query($s: String) { sources(filter: { search: $s }) { nodes { name } } }', { s: search });
      expectCleanAnswer(answer);
      expect((answer.body?.data as { sources: { nodes: Array<{ name: string }> } }).sources.nodes.map((n) => n.name).sort()).toEqual(expected);
    });
  });

  describe('values the database cannot hold', () => {
    it.each([
      ['a NUL byte in a search', { search: 'a\u0000b' }],
      ['a NUL byte in an owner', { owners: ['\u0000'] }],
      ['a NUL byte in a tag key', { tags: [{ key: 'team\u0000' }] }],
    ])('should refuse %s as BAD_USER_INPUT, not as a server error', async (_name, filter) => {
      const answer = await client.graphql('query($f: InventoryFilter) { models(filter: $f) { totalCount } }', { f: filter });
      expectCleanAnswer(answer);
      expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
    });

    it('should refuse a NUL byte in a governance field and leave the model unchanged', async () => {
      const found = await client.graphql('{ models(filter: { search: "quote\'d-model" }) { nodes { id businessUnit } } }');
      const model = (found.body?.data as { models: { nodes: Array<{ id: string; businessUnit: string }> } }).models.nodes[0];
      const answer = await client.graphql('mutation($id: ID!) { setModelGovernance(modelId: $id, input: { businessUnit: "ri\\u0000sk" }) { businessUnit } }', { id: model.id });
      expectCleanAnswer(answer);
      expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
      const after = await client.graphql('query($id: ID!) { node(id: $id) { ... on Model { businessUnit } } }', { id: model.id });
      expect(after.body?.data).toEqual({ node: { businessUnit: model.businessUnit } });
    });
  });

  describe('ids in filters', () => {
    it('should refuse an id smuggling SQL as BAD_USER_INPUT without running it', async () => {
      const forged = toGlobalId('Model', "00000000-0000-4000-8000-000000000000' or '1'='1");
      const answer = await client.graphql('query($ids: [ID!]) { models(filter: { modelIds: $ids }) { totalCount } }', { ids: [forged] });
      expectCleanAnswer(answer);
      expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
    });
  });
});
