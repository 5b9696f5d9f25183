import type { Browser } from 'playwright-core';
import { systemPrincipal, type Principal, type Role } from '../../src/auth/principal.js';
import { fromGlobalId } from '../../src/global-id.js';
import { launchChromium, openSession, signInWithKey, type Session } from './browser.js';
import { ensureConsoleBuilt } from './console-build.js';
import { startTestHub, type TestHub } from './hub.js';
import { graphqlRequest } from './processes.js';
import { createPersonWithKey } from './people.js';
import { accepted } from './governance.js';

/**
 * What every browser test starts from: the built console, a real hub (real PostgreSQL, in-process jobs, workers
 * running) with an MLflow simulator synced into it, API keys of named people, and Chromium.
 */
export interface ConsoleWorld {
  hub: TestHub;
  url: string;
  browser: Browser;
  keys: Record<string, string>;
  /** Opens a browser tab as one of `keys` (separate contexts: separate sessionStorage, like separate people). */
  signIn(person: string, path?: string, options?: { bypassCSP?: boolean }): Promise<Session>;
  /** Another person with a key of the same roles, signed in like the others from then on (e.g. a second ADMIN). */
  addPerson(name: string, roles: Role[]): Promise<{ key: string; personId: string }>;
  sessions: Session[];
  close(): Promise<void>;
}

export const PEOPLE: Record<string, Role[]> = {
  'Dana Scientist': ['DATA_SCIENTIST', 'VALIDATOR'],
  'Victor Validator': ['VALIDATOR'],
  'Rita Risk': ['RISK_OFFICER'],
  'Olu Operator': ['OPERATOR'],
  'Vera Viewer': ['VIEWER'],
  // Holds VIEWER and OPERATOR too: nobody mints a key with a role they do not hold themselves.
  'Ada Admin': ['ADMIN', 'VIEWER', 'OPERATOR'],
};

export async function startConsoleWorld(options: { env?: Record<string, string> } = {}): Promise<ConsoleWorld> {
  await ensureConsoleBuilt();
  // Listing threads are for throughput; a test estate lists in milliseconds on the main thread.
  const hub = await startTestHub({ http: true, env: { SYNC_LISTING_THREADS: '0', ...options.env } });
  await hub.hub.startWorkers();
  const keys: Record<string, string> = {};
  for (const [name, roles] of Object.entries(PEOPLE)) {
    keys[name] = (await createPersonWithKey(hub.hub.services, { name, roles })).key;
  }
  const browser = await launchChromium();
  const url = hub.http!.url;
  const sessions: Session[] = [];
  return {
    hub,
    url,
    browser,
    keys,
    sessions,
    async signIn(person, path = '/inventory', sessionOptions = {}) {
      const session = await openSession(browser, url, sessionOptions);
      sessions.push(session);
      await signInWithKey(session, keys[person], path);
      return session;
    },
    async addPerson(name, roles) {
      const { key, person } = await createPersonWithKey(hub.hub.services, { name, roles });
      keys[name] = key;
      return { key, personId: person.id };
    },
    async close() {
      await browser.close().catch(() => undefined);
      await hub.close();
    },
  };
}

/** An MLflow source with a small estate, synced once; returns the source's id. */
export async function syncedMlflowSource(world: ConsoleWorld, estate: { models: number; versionsPerModel: number; deployments: number; seed: number }): Promise<string> {
  const { source } = await world.hub.addSimulatorSource('mlflow', { ...estate, name: 'mlflow-prod', enabled: false });
  const result = await world.hub.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
  if (result.status !== 'ran' || result.run.status !== 'SUCCEEDED') throw new Error(`the seed sync did not succeed: ${JSON.stringify(result)}`);
  return source.id;
}

/** People who prepared the data before the story starts (not the ones the test signs in as). */
const SEED_PEOPLE: Record<string, Principal> = {
  scientist: { id: 'key:seed-scientist', displayName: 'seed scientist', roles: ['DATA_SCIENTIST'], personId: null, kind: 'api-key' },
  validator: { id: 'key:seed-validator', displayName: 'seed validator', roles: ['VALIDATOR'], personId: null, kind: 'api-key' },
  risk: { id: 'key:seed-risk', displayName: 'seed risk officer', roles: ['RISK_OFFICER'], personId: null, kind: 'api-key' },
};

/**
 * Classifies the version's model and walks the version to APPROVED through real change requests (a LOW or MEDIUM
 * model needs one VALIDATOR each time), so the browser story starts where a promotion to PRODUCTION is next.
 * Takes the API's global ids.
 */
export async function approvedVersion(world: ConsoleWorld, version: { id: string; modelId: string }, riskTier: 'LOW' | 'MEDIUM'): Promise<void> {
  const governance = world.hub.hub.services.governance;
  await governance.attributes.setModelGovernance(fromGlobalId(version.modelId, 'Model').id, { riskTier, businessUnit: 'Retail credit', accountableOwner: 'olga@example.com' }, SEED_PEOPLE.risk);
  for (const toState of ['VALIDATION', 'APPROVED'] as const) {
    const request = await accepted(governance.changeRequests.requestLifecycleTransition(
      { modelVersionId: fromGlobalId(version.id, 'ModelVersion').id, toState, justification: `seed: ${toState}`, evidence: [], replacesVersionId: null },
      SEED_PEOPLE.scientist,
    ));
    await accepted(governance.decisions.approveChangeRequest(request.id, 'seed approval', SEED_PEOPLE.validator));
  }
}

/** The synced versions as the API lists them (global ids), by model name then version number. */
export async function listVersions(world: ConsoleWorld): Promise<Array<{ id: string; version: string; lifecycleState: string; modelId: string; modelName: string }>> {
  const { body } = await graphqlRequest<{ modelVersions: { nodes: Array<{ id: string; version: string; lifecycleState: string; model: { id: string; name: string } }> } }>(
    world.url,
    world.keys['Ada Admin'],
    '{ modelVersions(first: 500) { nodes { id version lifecycleState model { id name } } } }',
  );
  return body.data!.modelVersions.nodes.map((v) => ({ id: v.id, version: v.version, lifecycleState: v.lifecycleState, modelId: v.model.id, modelName: v.model.name }));
}
