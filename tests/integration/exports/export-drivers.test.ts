/**
 * The flat exports over HTTP on both drivers (PostgreSQL: server-side cursor; PGlite: keyset batches): every export
 * in both formats, the flattened parents of a row, filters and their refusals, CSV quoting and formula guarding.
 * Authentication uses the roles-header stand-in; tests/integration/exports/export-hub.test.ts uses real keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeRequests } from '../../../src/db/schema/index.js';
import { EXPORTS } from '../../../src/exports/export-definitions.js';
import { toGlobalId } from '../../../src/global-id.js';
import { DRIVERS, type TestDatabase } from '../../helpers/db.js';
import { csvObjects, parseCsv, startExportTestServer } from '../../helpers/exports.js';
import { seedDeployment, seedFinding, seedModel, seedRun, seedSource, seedVersion } from '../../helpers/seed.js';

const viewer = { 'x-test-roles': 'VIEWER' };
const HOSTILE_NAME = '=HYPERLINK("http://evil.example","click")';
const MESSY_DESCRIPTION = 'line one, with "quotes"\r\nline two';

describe.each(DRIVERS)('flat exports on %s', (_driver, createDatabase) => {
  let database: TestDatabase;
  let server: { url: string; close(): Promise<void> };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await createDatabase();
    const db = database.handle.db;
    const source = await seedSource(db, { vendor: 'domino', name: 'domino-eu' });
    const other = await seedSource(db, { vendor: 'mlflow', name: 'mlflow-lab' });
    const model = await seedModel(db, source, {
      name: 'fraud-scorer',
      description: MESSY_DESCRIPTION,
      riskTier: 'HIGH',
      businessUnit: 'Payments',
      accountableOwner: 'ana@bank.example',
      owner: 'vendor-owner',
      tags: { team: 'fraud' },
    });
    const version = await seedVersion(db, model, { versionNumber: 3, version: 'v3', lifecycleState: 'PRODUCTION', observedStage: 'PRODUCTION', framework: 'XGBOOST', metrics: [{ name: 'auc', value: 0.91, step: null, timestamp: null, kind: 'VALIDATION' }] });
    const deployment = await seedDeployment(db, version, { name: 'fraud-api', environment: 'PRODUCTION', servingProduction: true, trafficShare: 0.5, status: 'ACTIVE', statusRaw: 'Running' });
    const hostile = await seedModel(db, other, { name: HOSTILE_NAME, description: '-2+3', tags: { team: 'lab' } });
    await seedVersion(db, hostile, { versionNumber: 1 });
    const finding = await seedFinding(db, version, { kind: 'UNGOVERNED_PRODUCTION', message: 'serves production ungoverned' });
    const run = await seedRun(db, source, { status: 'SUCCEEDED', seen: 3, created: 3, finishedAt: new Date('2026-01-02T03:04:06.000Z'), startedAt: new Date('2026-01-02T03:04:05.678Z') });
    const [request] = await db
      .insert(changeRequests)
      .values({
        modelVersionId: version.id,
        fromState: 'APPROVED',
        toState: 'PRODUCTION',
        requesterId: 'key:someone',
        requesterRoles: ['DATA_SCIENTIST'],
        justification: 'ship it',
        policySnapshot: { requirements: [{ role: 'VALIDATOR', count: 1 }] },
        expiresAt: new Date('2030-01-01T00:00:00Z'),
      })
      .returning();
    Object.assign(ids, {
      source: toGlobalId('Source', source.id),
      other: toGlobalId('Source', other.id),
      model: toGlobalId('Model', model.id),
      hostile: toGlobalId('Model', hostile.id),
      version: toGlobalId('ModelVersion', version.id),
      deployment: toGlobalId('Deployment', deployment.id),
      finding: toGlobalId('Finding', finding.id),
      run: toGlobalId('SyncRun', run.id),
      request: toGlobalId('ChangeRequest', request.id),
    });
    server = await startExportTestServer(database.handle, { batchSize: 1 });
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  const get = (path: string, headers: Record<string, string> = viewer) => fetch(`${server.url}${path}`, { headers });

  describe('every export', () => {
    it.each(EXPORTS.map((definition) => definition.name))('should serve %s as CSV and JSON Lines with the declared columns', async (name) => {
      const definition = EXPORTS.find((d) => d.name === name)!;
      const csv = await get(`/export/${name}.csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${name}.csv"`);
      const records = parseCsv(await csv.text());
      expect(records[0]).toEqual(definition.columns.map((c) => c.name));
      expect(records.slice(1).every((r) => r.length === definition.columns.length)).toBe(true);

      const jsonl = await get(`/export/${name}.jsonl`);
      expect(jsonl.status).toBe(200);
      expect(jsonl.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      const lines = (await jsonl.text()).split('\n');
      expect(lines.pop()).toBe('');
      const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      // Exporting the audit log is itself audited (before its first row): the second export sees one event more.
      expect(objects.length).toBe(records.length - 1 + (name === 'audit-events' ? 1 : 0));
      for (const object of objects) expect(Object.keys(object)).toEqual(definition.columns.map((c) => c.name));
    });
  });

  describe('flattening', () => {
    it('should carry a deployment’s version, model, source, governance and owner', async () => {
      const [row] = csvObjects(await (await get('/export/deployments.csv')).text());
      expect(row).toMatchObject({
        id: ids.deployment,
        name: 'fraud-api',
        environment: 'PRODUCTION',
        status: 'ACTIVE',
        status_raw: 'Running',
        serving_production: 'true',
        traffic_share: '0.5',
        vendor: 'domino',
        source_id: ids.source,
        source_name: 'domino-eu',
        version_id: ids.version,
        version: 'v3',
        version_number: '3',
        lifecycle_state: 'PRODUCTION',
        model_id: ids.model,
        model_name: 'fraud-scorer',
        risk_tier: 'HIGH',
        business_unit: 'Payments',
        model_owner: 'vendor-owner',
        accountable_owner: 'ana@bank.example',
        deleted_at: '',
      });
      expect(row.first_seen_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('should type JSON Lines values and keep JSON columns as JSON', async () => {
      const lines = (await (await get(`/export/model-versions.jsonl?modelIds=${ids.model}`)).text()).trim().split('\n');
      expect(lines).toHaveLength(1);
      const row = JSON.parse(lines[0]);
      expect(row).toMatchObject({ id: ids.version, model_id: ids.model, model_name: 'fraud-scorer', version_number: 3, metrics: [{ name: 'auc', value: 0.91, step: null, timestamp: null, kind: 'VALIDATION' }], in_production: true, live_deployments: 1, risk_tier: 'HIGH', vendor_created_at: null, framework: 'XGBOOST' });
      // Added after the exports' first release, so last: every earlier column keeps its position.
      expect(Object.keys(row).at(-1)).toBe('framework');
    });

    it('should flatten a finding, a change request, a sync run and an export’s audit event', async () => {
      const [finding] = csvObjects(await (await get('/export/findings.csv')).text());
      expect(finding).toMatchObject({ id: ids.finding, open: 'true', entity_kind: 'version', entity_id: ids.version, version_id: ids.version, model_id: ids.model, model_name: 'fraud-scorer', risk_tier: 'HIGH', source_name: 'domino-eu' });
      const [request] = csvObjects(await (await get('/export/change-requests.csv')).text());
      expect(request).toMatchObject({ id: ids.request, status: 'PENDING', to_state: 'PRODUCTION', version_id: ids.version, model_name: 'fraud-scorer', vendor: 'domino', accountable_owner: 'ana@bank.example', approvals: '0', evidence: '[]' });
      const [run] = csvObjects(await (await get('/export/sync-runs.csv')).text());
      expect(run).toMatchObject({ id: ids.run, source_name: 'domino-eu', status: 'SUCCEEDED', started_at: '2026-01-02T03:04:05.678Z', duration_seconds: '0.322', seen: '3' });

      await get(`/export/models.csv?vendors=domino&tag.team=fraud`);
      const events = csvObjects(await (await get('/export/audit-events.csv?actions=export.downloaded')).text());
      const event = events.find((e) => JSON.parse(e.after).filters.vendors);
      expect(event).toMatchObject({ action: 'export.downloaded', entity_kind: 'export', entity_id: 'models', actor_id: 'test:VIEWER', actor_roles: '["VIEWER"]' });
      expect(JSON.parse(event!.after)).toEqual({ format: 'csv', filters: { vendors: ['domino'], 'tag.team': ['fraud'] } });
    });
  });

  describe('CSV', () => {
    it('should quote per RFC 4180, guard formula cells and keep NULL apart from the empty string', async () => {
      const text = await (await get('/export/models.csv')).text();
      expect(text).toContain('\r\n');
      const rows = csvObjects(text);
      const messy = rows.find((r) => r.id === ids.model)!;
      expect(messy.description).toBe(MESSY_DESCRIPTION);
      const hostile = rows.find((r) => r.id === ids.hostile)!;
      expect(hostile.name).toBe(`'${HOSTILE_NAME}`);
      expect(hostile.description).toBe(`'-2+3`);
      expect(hostile.tags).toBe('{"team": "lab"}');
      expect(text).toContain(',"{""team"": ""lab""}",');
      // NULL → empty field (risk tier of the unclassified model).
      expect(hostile.risk_tier).toBe('');
    });

    it('should start with a UTF-8 byte-order mark only when asked', async () => {
      const plain = new Uint8Array(await (await get('/export/models.csv')).arrayBuffer());
      expect([...plain.slice(0, 2)]).toEqual([0x69, 0x64]);
      const withBom = new Uint8Array(await (await get('/export/models.csv?bom=true')).arrayBuffer());
      expect([...withBom.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    });
  });

  describe('filters', () => {
    const count = async (path: string) => {
      const response = await get(path);
      expect(response.status).toBe(200);
      return parseCsv(await response.text()).length - 1;
    };

    it('should apply the GraphQL connections’ filters', async () => {
      expect(await count('/export/models.csv')).toBe(2);
      expect(await count('/export/models.csv?vendors=domino')).toBe(1);
      expect(await count('/export/models.csv?vendors=domino,mlflow')).toBe(2);
      expect(await count('/export/models.csv?vendors=domino&vendors=mlflow')).toBe(2);
      expect(await count('/export/models.csv?riskTiers=HIGH&inProduction=true')).toBe(1);
      expect(await count('/export/models.csv?unclassified=true')).toBe(1);
      expect(await count(`/export/model-versions.csv?sourceIds=${ids.other}`)).toBe(1);
      expect(await count('/export/model-versions.csv?lifecycleStates=PRODUCTION')).toBe(1);
      expect(await count('/export/deployments.csv?environments=STAGING')).toBe(0);
      expect(await count('/export/models.csv?tag.team=fraud')).toBe(1);
      expect(await count('/export/models.csv?tag.team=')).toBe(2);
      expect(await count('/export/models.csv?search=FRAUD')).toBe(1);
      expect(await count('/export/models.csv?changedSince=2999-01-01')).toBe(0);
      expect(await count('/export/findings.csv?open=false')).toBe(0);
      expect(await count(`/export/findings.csv?entityIds=${ids.version}`)).toBe(1);
      expect(await count('/export/change-requests.csv?status=APPLIED')).toBe(0);
      expect(await count('/export/sync-runs.csv?statuses=FAILED,PARTIAL')).toBe(0);
      expect(await count('/export/audit-events.csv?entityKind=nothing')).toBe(0);
    });

    it.each([
      ['/export/models.csv?vendors=oracle', 'INVALID_PARAMETER', 'vendors'],
      ['/export/models.csv?vendor=mlflow', 'UNKNOWN_PARAMETER', 'vendor'],
      ['/export/models.csv?inProduction=yes', 'INVALID_PARAMETER', 'inProduction'],
      ['/export/models.csv?inProduction=true&inProduction=false', 'INVALID_PARAMETER', 'inProduction'],
      ['/export/models.csv?changedSince=yesterday', 'INVALID_PARAMETER', 'changedSince'],
      ['/export/deployments.csv?modelIds=not-an-id', 'INVALID_PARAMETER', 'modelIds'],
      ['/export/findings.csv?vendors=mlflow', 'UNKNOWN_PARAMETER', 'vendors'],
      ['/export/models.jsonl?bom=true', 'INVALID_PARAMETER', 'bom'],
      [`/export/models.csv?search=${'x'.repeat(201)}`, 'INVALID_PARAMETER', 'search'],
    ])('should refuse %s with 400 %s', async (path, code, field) => {
      const response = await get(path);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await response.json();
      expect(body).toEqual({ error: { code, field, message: expect.any(String) } });
    });

    it('should refuse an id of the wrong type, naming it', async () => {
      const body = (await (await get(`/export/model-versions.csv?modelIds=${ids.version}`)).json()) as { error: { message: string } };
      expect(body.error).toMatchObject({ code: 'INVALID_PARAMETER', field: 'modelIds' });
      expect(body.error.message).toContain('expected Model');
      const person = (await (await get(`/export/change-requests.csv?requesterPersonId=${ids.model}`)).json()) as { error: { message: string } };
      expect(person.error).toMatchObject({ code: 'INVALID_PARAMETER', field: 'requesterPersonId' });
      expect(person.error.message).toContain('expected Person');
    });
  });

  describe('routing and access', () => {
    it('should answer 404 for an unknown export and 401/403 without a credential or a role', async () => {
      expect((await get('/export/secrets.csv')).status).toBe(404);
      expect((await get('/export/models.xlsx')).status).toBe(404);
      const anonymous = await get('/export/models.csv', {});
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      const roleless = await get('/export/models.csv', { 'x-test-roles': '' });
      expect(roleless.status).toBe(403);
      expect(((await roleless.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    });
  });
});
