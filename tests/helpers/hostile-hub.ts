import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { toGlobalId } from '../../src/global-id.js';
import type { SourceRecord } from '../../src/inventory/queries/records.js';
import { queryRows } from '../../src/db/sql.js';
import { sql } from 'drizzle-orm';
import { startTestHub, type TestHub } from './hub.js';
import { hostileClient, type HostileClient } from './hostile-http.js';

/** A hub over real HTTP with a synced simulator estate, as the hostile-input suites attack it. */
export interface HostileHub {
  test: TestHub;
  client: HostileClient;
  source: SourceRecord;
  /** Global ids of one real record of each inventory type. */
  ids: { source: string; model: string; version: string; deployment: string };
  close(): Promise<void>;
}

export async function startHostileHub(options: { env?: Record<string, string> } = {}): Promise<HostileHub> {
  const test = await startTestHub({ http: true, env: options.env });
  try {
    const { source } = await test.addSimulatorSource('mlflow', { seed: 8, models: 6, versionsPerModel: 2, deployments: 4 });
    await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
    const [row] = await queryRows<{ model: string; version: string; deployment: string }>(
      test.hub.database.db,
      sql`select (select id from models where source_id = ${source.id} limit 1) as model,
                 (select id from model_versions where source_id = ${source.id} limit 1) as version,
                 (select id from deployments where source_id = ${source.id} limit 1) as deployment`,
    );
    return {
      test,
      client: hostileClient(test.http!.url, test.env.HUB_BOOTSTRAP_ADMIN_KEY),
      source,
      ids: {
        source: toGlobalId('Source', source.id),
        model: toGlobalId('Model', row.model),
        version: toGlobalId('ModelVersion', row.version),
        deployment: toGlobalId('Deployment', row.deployment),
      },
      close: () => test.close(),
    };
  } catch (error) {
    await test.close();
    throw error;
  }
}

/** The served schema, read by introspection over HTTP the way a client (or an attacker) reads it. */
export async function introspect(client: HostileClient): Promise<GraphQLSchema> {
  const answer = await client.graphql(getIntrospectionQuery());
  if (answer.status !== 200 || !answer.body?.data) throw new Error(`introspection failed: ${answer.status} ${answer.text.slice(0, 200)}`);
  return buildClientSchema(answer.body.data as IntrospectionQuery);
}
