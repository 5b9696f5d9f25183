/** `verifyGovernedState` over HTTP: who may ask, and what a divergence looks like to an API client. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildHubSchema } from '../../../src/graphql/build-schema.js';
import { createGraphQLHttpHandler } from '../../../src/graphql/http-handler.js';
import { StateReplayService } from '../../../src/audit/state-replay.service.js';
import { createLogger } from '../../../src/logger.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { TEST_LIMITS, TEST_ROLES_HEADER, testAuthenticate, testServices } from '../../helpers/graphql.js';
import { seedModel, seedSource, seedVersion } from '../governance/governance-fixtures.js';

describe('verifyGovernedState (GraphQL)', () => {
  let tdb: TestDatabase;
  let server: Server;
  let stop: () => Promise<void>;
  let url: string;
  let versionId: string;
  const QUERY = `{ verifyGovernedState { consistent divergenceCount truncated divergences { entityKind entityId field audited actual message } } }`;

  const call = async (roles: string) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [TEST_ROLES_HEADER]: roles }, body: JSON.stringify({ query: QUERY }) });
    return (await response.json()) as { data?: any; errors?: Array<{ extensions: { code: string } }> };
  };

  beforeAll(async () => {
    tdb = await createPostgresTestDatabase();
    const db = tdb.handle.db;
    const sourceId = await seedSource(db);
    versionId = await seedVersion(db, { sourceId, modelId: await seedModel(db, sourceId) });
    const services = { ...testServices(db), stateReplay: new StateReplayService({ db }) };
    const schema = await buildHubSchema(services);
    const handler = createGraphQLHttpHandler({ schema, services, authenticate: testAuthenticate, logger: createLogger('silent'), limits: TEST_LIMITS });
    server = createServer((req, res) => void handler.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    stop = async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.stop();
    };
  });
  afterAll(async () => {
    await stop?.();
    await tdb?.drop();
  });

  it('should report a version moved to PRODUCTION outside governance to a RISK_OFFICER', async () => {
    expect((await call('RISK_OFFICER')).data.verifyGovernedState).toMatchObject({ consistent: true, divergenceCount: 0, divergences: [] });
    await tdb.handle.db.execute(sql`update model_versions set lifecycle_state = 'PRODUCTION' where id = ${versionId}`);
    const body = await call('ADMIN');
    expect(body.data.verifyGovernedState).toMatchObject({
      consistent: false,
      divergenceCount: 1,
      truncated: false,
      divergences: [{ entityKind: 'model_version', entityId: versionId, field: 'lifecycleState', audited: 'DEVELOPMENT', actual: 'PRODUCTION' }],
    });
  });

  it('should refuse roles other than RISK_OFFICER and ADMIN', async () => {
    for (const roles of ['VIEWER', 'VALIDATOR', 'DATA_SCIENTIST']) expect((await call(roles)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});
