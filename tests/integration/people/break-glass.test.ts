/**
 * The bootstrap admin key is break glass: it works while no ADMIN person can sign in, or with HUB_BREAK_GLASS=true,
 * every use audited; a revoked bootstrap key stays revoked when the hub restarts over the same database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { parseConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { createHub, type Hub } from '../../../src/main/app.js';
import { FAST_CONNECTOR_DEPS, startTestHub, type TestHub } from '../../helpers/hub.js';
import { createPersonWithKey } from '../../helpers/people.js';
import { graphqlRequest } from '../../helpers/processes.js';

/** The same hub started again over the same database, as `hub serve` starts it. */
async function restart(test: TestHub, env: Record<string, string> = {}): Promise<Hub> {
  const config = parseConfig({ ...test.env, ...env });
  const hub = await createHub(config, createLogger('silent'), { connectorDeps: FAST_CONNECTOR_DEPS });
  await hub.services.apiKeys.ensureBootstrapAdmin(config.auth.bootstrapAdminKey);
  return hub;
}

const asKey = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe('a revoked bootstrap key', () => {
  let test: TestHub;
  const hubs: Hub[] = [];
  beforeAll(async () => {
    test = await startTestHub({ http: true });
  }, 120_000);
  afterAll(async () => {
    for (const hub of hubs) await hub.close();
    await test?.close();
  });

  it('should stay revoked after a restart', async () => {
    const key = test.env.HUB_BOOTSTRAP_ADMIN_KEY;
    const listed = await graphqlRequest<{ apiKeys: Array<{ id: string; name: string }> }>(test.http!.url, key, '{ apiKeys { id name } }');
    const bootstrap = listed.body.data!.apiKeys.find((k) => k.name.includes('HUB_BOOTSTRAP_ADMIN_KEY'))!;
    const revoked = await graphqlRequest(test.http!.url, key, 'mutation ($id: ID!) { revokeApiKey(id: $id) { active } }', { id: bootstrap.id });
    expect(revoked.body.errors).toBeUndefined();
    await expect(test.hub.authenticate(asKey(key))).rejects.toThrow(/revoked/);

    // Before: the restart's ensureBootstrapAdmin un-revoked it.
    const again = await restart(test);
    hubs.push(again);
    await expect(again.authenticate(asKey(key))).rejects.toThrow(/revoked/);
    const restartedTwice = await restart(test);
    hubs.push(restartedTwice);
    await expect(restartedTwice.authenticate(asKey(key))).rejects.toThrow(/revoked/);
  });
});

describe('the bootstrap key once an ADMIN person exists', () => {
  let test: TestHub;
  let emergency: Hub | null = null;
  beforeAll(async () => {
    test = await startTestHub();
  }, 120_000);
  afterAll(async () => {
    await emergency?.close();
    await test?.close();
  });

  it('should work only with HUB_BREAK_GLASS=true, and leave an audit event for each use', async () => {
    const key = test.env.HUB_BOOTSTRAP_ADMIN_KEY;
    expect((await test.hub.authenticate(asKey(key)))?.breakGlass).toBe(true);
    // An ADMIN person with a key of their own: the bootstrap key now rests.
    await createPersonWithKey(test.hub.services, { name: 'Ada Admin', roles: ['ADMIN'] });
    await expect(test.hub.authenticate(asKey(key))).rejects.toThrow(/active ADMIN person exists/);

    emergency = await restart(test, { HUB_BREAK_GLASS: 'true' });
    const principal = await emergency.authenticate(asKey(key));
    expect(principal).toMatchObject({ roles: ['ADMIN'], breakGlass: true, displayName: 'bootstrap admin (break glass)' });
    await emergency.authenticate(asKey(key));
    const events = await emergency.services.audit.list({ actions: ['auth.break_glass_used'] }, { first: 10 });
    expect(events.items.map((e) => e.after)).toEqual([{ reason: 'HUB_BREAK_GLASS=true' }, { reason: 'HUB_BREAK_GLASS=true' }, { reason: 'no active ADMIN person exists' }]);
  });

  it('should not let the break-glass identity hold other keys or be edited as a person', async () => {
    const [breakGlass] = (await test.hub.services.apiKeys.list()).filter((k) => k.name.includes('HUB_BOOTSTRAP_ADMIN_KEY'));
    const error = await test.hub.services.apiKeys.createApiKey({ name: 'x', roles: ['ADMIN'], personId: breakGlass.personId, createdBy: systemPrincipal('test') }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error & { problems: Array<{ message: string }> }).problems[0].message).toMatch(/break-glass identity/);
    await expect(test.hub.services.people.updatePerson(breakGlass.personId, { roles: ['ADMIN', 'VALIDATOR'] }, systemPrincipal('test'))).rejects.toThrow(/break-glass identity is managed by the hub/);
  });
});
