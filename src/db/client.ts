import { existsSync, mkdirSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import * as schema from './schema/index.js';
import { relations } from './relations.js';
import { lockDataFolder } from './data-folder-lock.js';
import type { Logger } from '../logger.js';

export const fullSchema = { ...schema, ...relations };
export type Schema = typeof fullSchema;

/** The hub's database handle: the same type whether it runs on node-postgres or embedded PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Repository functions take either, so a service can compose one transaction. */
export type Executor = Db | Tx;

export interface DatabaseHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The connection URL (PostgreSQL only): migrations take a dedicated session for their advisory lock. */
  url?: string;
  /** Cheap reachability probe for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseConfig = { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string };

/**
 * Opens the configured database. PGlite is loaded lazily so PostgreSQL deployments never load its wasm; its folder is
 * created when missing and locked for this process (see data-folder-lock.ts).
 */
export async function openDatabase(config: DatabaseConfig, logger?: Logger): Promise<DatabaseHandle> {
  if (config.kind === 'postgres') {
    const { default: pg } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize, connectionTimeoutMillis: 5_000 });
    // A client losing its connection (database restart, an administrator's terminate) must not crash the process:
    // the pool listens only while a client is idle, so a checked-out client needs a listener of its own. The query
    // it was running fails on its own and is classified by isConnectionFailure.
    const connectionLost = (error: Error) => logger?.warn({ err: error.message }, 'database connection lost');
    pool.on('error', connectionLost);
    pool.on('connect', (client) => client.on('error', connectionLost));
    const db = drizzle(pool, { schema: fullSchema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      url: config.url,
      ping: async () => {
        await pool.query('select 1');
      },
      close: () => pool.end(),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (config.dataDir === 'memory://') return pgliteHandle(drizzle, new PGlite(), () => undefined);
  // PGlite creates only the last folder of the path itself.
  mkdirSync(config.dataDir, { recursive: true });
  const lock = lockDataFolder(`${config.dataDir}.lock`);
  try {
    const creating = !existsSync(`${config.dataDir}/PG_VERSION`);
    logger?.info({ folder: config.dataDir }, creating ? 'creating the embedded database (first start only)' : 'opening the embedded database');
    return await pgliteHandle(drizzle, new PGlite(config.dataDir), () => lock.release());
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function pgliteHandle(
  drizzle: typeof import('drizzle-orm/pglite').drizzle,
  client: import('@electric-sql/pglite').PGlite,
  release: () => void,
): Promise<DatabaseHandle> {
  await client.waitReady;
  const db = drizzle(client, { schema: fullSchema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      await client.close();
      release();
    },
  };
}
