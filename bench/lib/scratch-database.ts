import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';

/** Where benches create their own database when DATABASE_URL is not set. */
export const BENCH_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  /** Opens a migrated handle on the bench database (call close() on it). */
  open(poolSize: number): Promise<DatabaseHandle>;
  /** Drops the database when the bench created it; leaves a DATABASE_URL database alone. */
  dispose(): Promise<void>;
}

/**
 * The bench's PostgreSQL database: DATABASE_URL when set (migrated, not dropped), otherwise a fresh
 * `hub_bench_<random>` database on BENCH_ADMIN_URL that dispose() drops.
 */
export async function benchDatabase(): Promise<BenchDatabase> {
  const given = process.env.DATABASE_URL;
  let url = given;
  let name: string | null = null;
  if (!url) {
    name = `hub_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: BENCH_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`create database "${name}"`);
    } finally {
      await admin.end();
    }
    const target = new URL(BENCH_ADMIN_URL);
    target.pathname = `/${name}`;
    url = target.toString();
  }
  const setup = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
  await migrate(setup);
  await setup.close();
  const resolved = url;
  return {
    url: resolved,
    open: (poolSize) => openDatabase({ kind: 'postgres', url: resolved, poolSize }),
    dispose: async () => {
      if (!name) return;
      const admin = new pg.Client({ connectionString: BENCH_ADMIN_URL });
      await admin.connect();
      try {
        await admin.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
