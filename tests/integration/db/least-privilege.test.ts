/**
 * Least privilege on a real PostgreSQL: a database owned by an owner role (DATABASE_MIGRATION_URL), migrated by the
 * hub, which creates and grants the runtime role (HUB_DB_RUNTIME_ROLE). The runtime role's attempts to rewrite the
 * record are refused by PostgreSQL itself, while the hub, connected as that role, syncs and governs as usual.
 * Roles and database carry this run's prefix and are dropped afterwards (roles are cluster-wide).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { parseConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { createHub, type Hub } from '../../../src/main/app.js';
import { person } from '../governance/governance-fixtures.js';
import { FAST_CONNECTOR_DEPS } from '../../helpers/hub.js';
import { TEST_PG_ADMIN_URL, databaseUrl, runPrefix } from '../../helpers/services.js';
import { accepted } from '../../helpers/governance.js';

function roleUrl(database: string, role: string, password: string): string {
  const url = new URL(databaseUrl(database));
  url.username = role;
  url.password = password;
  return url.toString();
}

async function asAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

describe('least privilege (PostgreSQL roles)', () => {
  const suffix = randomBytes(4).toString('hex');
  const database = `${runPrefix()}lp_${suffix}`;
  const owner = `${runPrefix()}owner_${suffix}`;
  const runtime = `${runPrefix()}runtime_${suffix}`;
  const ownerPassword = randomBytes(12).toString('hex');
  const runtimePassword = randomBytes(12).toString('hex');
  let hub: Hub;
  let simulator: SimulatorHandle;
  let asRuntime: pg.Client;
  let appliedRequestId: string;

  beforeAll(async () => {
    await asAdmin(async (admin) => {
      await admin.query(`create role "${owner}" login createrole password '${ownerPassword}'`);
      await admin.query(`create database "${database}" owner "${owner}"`);
    });
    const config = parseConfig({
      DATABASE_URL: roleUrl(database, runtime, runtimePassword),
      DATABASE_MIGRATION_URL: roleUrl(database, owner, ownerPassword),
      HUB_DB_RUNTIME_ROLE: runtime,
      HUB_DB_RUNTIME_PASSWORD: runtimePassword,
      HUB_SECRET_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'silent',
    });
    // `hub start` as the runtime role: migrations and grants run on the owner's URL first.
    hub = await createHub(config, createLogger('silent'), { connectorDeps: FAST_CONNECTOR_DEPS });
    await hub.startWorkers();
    asRuntime = new pg.Client({ connectionString: config.database.kind === 'postgres' ? config.database.url : '' });
    await asRuntime.connect();
  });

  afterAll(async () => {
    await asRuntime?.end();
    await hub?.close();
    await simulator?.close();
    await asAdmin(async (admin) => {
      await admin.query(`drop database if exists "${database}" with (force)`);
      // Default privileges the owner granted the runtime role live in the dropped database; the roles own nothing else.
      await admin.query(`drop role if exists "${runtime}"`);
      await admin.query(`drop role if exists "${owner}"`);
    });
  });

  it('should sync and run a full governance flow, write-back included, as the runtime role', async () => {
    const { rows } = await asRuntime.query<{ user: string; owns: boolean }>(
      `select current_user as user, exists (select 1 from pg_tables where schemaname = 'public' and tableowner = current_user) as owns`,
    );
    expect(rows[0]).toEqual({ user: runtime, owns: false });

    const mlflow = vendorSimulator('mlflow');
    simulator = await mlflow.start({ seed: 7, models: 2, versionsPerModel: 2, deployments: 0, credential: 'cred' });
    const { settings, secret } = mlflow.sourceFor(simulator, 'cred');
    const source = await hub.services.sources.createSource({ vendor: 'mlflow', name: 'lp-mlflow', settings, secret, scheduleSeconds: 3600, enabled: true }, { actor: person('ops', ['OPERATOR']) });
    const result = await hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual', signal: new AbortController().signal });
    expect(result.status === 'skipped' ? 'skipped' : result.run.status).toBe('SUCCEEDED');

    const { rows: versions } = await asRuntime.query<{ id: string; model_id: string }>(`select id, model_id from model_versions order by id limit 1`);
    const { governance } = hub.services;
    await governance.attributes.setModelGovernance(versions[0].model_id, { riskTier: 'LOW', accountableOwner: 'olga' }, person('rita', ['RISK_OFFICER']));
    const request = await accepted(governance.changeRequests.requestLifecycleTransition({ modelVersionId: versions[0].id, toState: 'VALIDATION', justification: 'ready', evidence: [] }, person('dana', ['DATA_SCIENTIST'])));
    const applied = await accepted(governance.decisions.approveChangeRequest(request.id, 'fine', person('vic', ['VALIDATOR'])));
    expect(applied.status).toBe('APPLIED');
    appliedRequestId = applied.id;

    // The write-back worker updates the applied request's delivery columns: allowed, the decision stays final.
    await expect.poll(async () => (await hub.services.writeBackStatus.summariesOf([applied.id]))[0]?.writeBackStatus, { timeout: 20_000 }).toMatch(/DONE|UNSUPPORTED/);
    const chain = await hub.services.audit.verify();
    expect(chain.valid).toBe(true);
    expect((await hub.services.stateReplay.verify()).divergences).toEqual([]);
  });

  const refused: Array<[string, () => string]> = [
    ['UPDATE audit_events', () => `update audit_events set action = 'rewritten'`],
    ['DELETE audit_events', () => `delete from audit_events where seq = (select max(seq) from audit_events)`],
    ['TRUNCATE audit_events', () => `truncate audit_events`],
    ['UPDATE approvals.approver_id', () => `update approvals set approver_id = 'mallory'`],
    ['DELETE approvals', () => `delete from approvals`],
    ['UPDATE an applied change request', () => `update change_requests set status = 'REJECTED' where id = '${appliedRequestId}'`],
    ['DELETE a change request', () => `delete from change_requests where id = '${appliedRequestId}'`],
    ['ALTER TABLE … DISABLE TRIGGER', () => `alter table audit_events disable trigger audit_events_no_update_delete`],
    ['ALTER TABLE change_requests DISABLE TRIGGER', () => `alter table change_requests disable trigger all`],
    ['DROP TABLE', () => `drop table audit_events`],
  ];

  it.each(refused)('should refuse the runtime role: %s', async (_what, statement) => {
    expect(appliedRequestId).toBeDefined();
    const error = await asRuntime.query(statement()).then(
      () => null,
      (e: { code?: string; message: string }) => e,
    );
    expect(error?.code, error?.message ?? 'the statement succeeded').toBe('42501');
    expect(error!.message).toMatch(/permission denied|must be owner|final|append-only/);
  });

  it('should leave the audited record intact after every refusal', async () => {
    expect((await hub.services.audit.verify()).valid).toBe(true);
    expect((await hub.services.governance.reads.getChangeRequest(appliedRequestId))?.status).toBe('APPLIED');
    expect((await hub.services.stateReplay.verify()).consistent).toBe(true);
  });

  it('should still let the owner migrate again (idempotent grants) without widening the runtime role', async () => {
    const { migrate } = await import('../../../src/db/migrate.js');
    await migrate(hub.database, undefined, { migrationUrl: roleUrl(database, owner, ownerPassword), runtimeRole: { name: runtime, password: null } });
    const { rows } = await asRuntime.query<{ privilege_type: string }>(
      `select privilege_type from information_schema.role_table_grants where grantee = $1 and table_name = 'audit_events' order by 1`,
      [runtime],
    );
    expect(rows.map((r) => r.privilege_type)).toEqual(['INSERT', 'SELECT']);
  });
});
