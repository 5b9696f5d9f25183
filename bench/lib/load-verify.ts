import pg from 'pg';
import { vendorModule } from '../../connectors/registry/index.js';
import { vendorSimulator } from '../../connectors/registry/simulators.js';
import { SIMULATOR_CREDENTIAL } from './load-environment.js';

/** What the load bench checks after the load, read straight from the hub's database and the simulator. */

export interface KindCounts {
  models: number;
  versions: number;
  deployments: number;
}

export interface InventoryCheck {
  /** What the simulator serves (GET /__sim/state); MLflow has no deployments of its own, so models and versions only count. */
  simulator: KindCounts;
  /** Distinct external ids of live records of the source. */
  distinctLive: KindCounts;
  /** Rows of the source, live or tombstoned: more than the distinct ids means duplicates. */
  rows: KindCounts;
  /** Ids a fresh listing of the estate has and the inventory lacks (lost records). */
  missing: number;
  /** Live ids the inventory has and a fresh listing lacks (invented or stale records). */
  extra: number;
  /** A few of the missing or extra ids, for the report. */
  examples: string[];
}

export interface GovernanceCheck {
  requests: number;
  applied: number;
  outboxRows: number;
  appliedEvents: number;
  distinctAppliedEvents: number;
}

const TABLES: Record<keyof KindCounts, string> = { models: 'models', versions: 'model_versions', deployments: 'deployments' };

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function simulatorCounts(simulatorUrl: string): Promise<KindCounts> {
  const response = await fetch(`${simulatorUrl}/__sim/state`);
  const state = (await response.json()) as KindCounts;
  return { models: state.models, versions: state.versions, deployments: state.deployments };
}

/**
 * Every external id of the estate, by kind, listed afresh through the MLflow connector (MLflow's logical deployments
 * are aliases and Production stages, which only the connector's rules turn into records).
 */
async function referenceIds(simulatorUrl: string): Promise<Record<keyof KindCounts, Set<string>>> {
  const module = vendorModule('mlflow');
  const { settings, secret } = vendorSimulator('mlflow').sourceFor({ url: simulatorUrl }, SIMULATOR_CREDENTIAL);
  const connector = module.create(settings, secret, {});
  const ids = { models: new Set<string>(), versions: new Set<string>(), deployments: new Set<string>() };
  for await (const batch of connector.list(new AbortController().signal)) {
    for (const model of batch.models) ids.models.add(model.externalId);
    for (const version of batch.versions) ids.versions.add(version.externalId);
    for (const deployment of batch.deployments) ids.deployments.add(deployment.externalId);
  }
  return ids;
}

/** The inventory of the source named `sourceName` against the simulator's estate, id by id. */
export async function checkInventory(databaseUrl: string, sourceName: string, simulatorUrl: string): Promise<InventoryCheck> {
  const simulator = await simulatorCounts(simulatorUrl);
  const reference = await referenceIds(simulatorUrl);
  return withClient(databaseUrl, async (client) => {
    const { rows: found } = await client.query<{ id: string }>('select id from sources where name = $1', [sourceName]);
    if (found.length !== 1) throw new Error(`expected one source named ${sourceName}, found ${found.length}`);
    const check: InventoryCheck = { simulator, distinctLive: { models: 0, versions: 0, deployments: 0 }, rows: { models: 0, versions: 0, deployments: 0 }, missing: 0, extra: 0, examples: [] };
    for (const [kind, table] of Object.entries(TABLES) as Array<[keyof KindCounts, string]>) {
      const { rows } = await client.query<{ external_id: string; live: boolean }>(`select external_id, deleted_at is null as live from ${table} where source_id = $1`, [found[0].id]);
      const live = new Set(rows.filter((r) => r.live).map((r) => r.external_id));
      check.rows[kind] = rows.length;
      check.distinctLive[kind] = live.size;
      for (const id of reference[kind]) {
        if (live.has(id)) continue;
        check.missing++;
        if (check.examples.length < 5) check.examples.push(`missing ${kind} ${id}`);
      }
      for (const id of live) {
        if (reference[kind].has(id)) continue;
        check.extra++;
        if (check.examples.length < 5) check.examples.push(`extra ${kind} ${id}`);
      }
    }
    return check;
  });
}

/** Change requests, outbox rows and `change_request.applied` audit events in the whole (bench-only) database. */
export async function checkGovernance(databaseUrl: string): Promise<GovernanceCheck> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<GovernanceCheck>(
      `select (select count(*)::int from change_requests) as requests,
              (select count(*)::int from change_requests where status = 'APPLIED') as applied,
              (select count(*)::int from write_back_outbox) as "outboxRows",
              (select count(*)::int from audit_events where action = 'change_request.applied') as "appliedEvents",
              (select count(distinct entity_id)::int from audit_events where action = 'change_request.applied') as "distinctAppliedEvents"`,
    );
    return rows[0];
  });
}
