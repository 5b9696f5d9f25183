import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { pgError, queryRows } from './sql.js';
import type { DatabaseHandle } from './client.js';
import type { Logger } from '../logger.js';
import { grantRuntimeRole, type RuntimeRoleSettings } from './runtime-role.js';

/** Least privilege (PostgreSQL): the owner's URL migrations run on, and the runtime role the hub connects as. */
export interface OwnerMigration {
  migrationUrl: string;
  runtimeRole: RuntimeRoleSettings;
}

/** migrations/ at the repository root, whether running from src/ (swc, vitest) or dist/src/ (tsc build). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../migrations' : '../../migrations', import.meta.url));

const MIGRATION_LOCK_ID = 7_240_001;

/** How many migrations the code expects to be applied (from drizzle-kit's journal). */
export function expectedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/**
 * Applies pending drizzle-kit migrations. Idempotent; safe to call at every start, from several replicas at once.
 * Says how many it applies (a first start on the embedded database spends seconds here).
 */
export async function migrate(handle: DatabaseHandle, logger?: Logger, owner?: OwnerMigration | null): Promise<void> {
  if (owner && handle.kind === 'postgres') {
    await migrateAsOwner(owner, logger);
    return;
  }
  // As many applied as the code knows (what /readyz checks): nothing to do, and no migrator session to open.
  const pending = expectedMigrationCount() - (await appliedMigrationCount(handle));
  if (pending <= 0) return;
  logger?.info({ pending }, 'applying database migrations');
  await runMigrations(handle).catch((error: unknown) => {
    // A runtime role (least privilege) owns nothing: say what to run instead of PostgreSQL's bare "permission denied".
    if ((error as { code?: string }).code === '42501' || pgError(error)?.code === '42501') {
      throw new Error(`${pending} database migrations are pending and this role may not apply them: run \`hub migrate\` with DATABASE_MIGRATION_URL (the owner's URL) first.`, { cause: error });
    }
    throw error;
  });
  logger?.info({ applied: pending }, 'database migrations applied');
}

async function runMigrations(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === 'postgres') {
    const [{ default: pg }, { drizzle }, { migrate: run }] = await Promise.all([
      import('pg'),
      import('drizzle-orm/node-postgres'),
      import('drizzle-orm/node-postgres/migrator'),
    ]);
    // One session holds an advisory lock for the whole run, so concurrent starters migrate one after another.
    const client = new pg.Client({ connectionString: handle.url });
    await client.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      await run(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
      await client.end();
    }
    return;
  }
  const { migrate: run } = await import('drizzle-orm/pglite/migrator');
  await run(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
}

/**
 * Migrates on the owner's session (DATABASE_MIGRATION_URL), then creates and grants the runtime role, under the
 * migration lock. Always grants, even with nothing to apply: a role configured after the last migration gets its grants.
 */
async function migrateAsOwner(owner: OwnerMigration, logger?: Logger): Promise<void> {
  const [{ default: pg }, { drizzle }, { migrate: run }] = await Promise.all([
    import('pg'),
    import('drizzle-orm/node-postgres'),
    import('drizzle-orm/node-postgres/migrator'),
  ]);
  const client = new pg.Client({ connectionString: owner.migrationUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await run(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    const grants = await grantRuntimeRole(client, owner.runtimeRole);
    logger?.info({ role: grants.role, created: grants.created, tables: Object.keys(grants.tables).length }, 'database migrated as the owner; runtime role granted');
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}

/** True when every migration the code knows has been applied (for /readyz). */
export async function migrationsApplied(handle: DatabaseHandle, expected = expectedMigrationCount()): Promise<boolean> {
  return (await appliedMigrationCount(handle)) >= expected;
}

/** Migrations recorded as applied; 0 on a database never migrated (or unreachable: migrating then reports why). */
async function appliedMigrationCount(handle: DatabaseHandle): Promise<number> {
  try {
    const rows = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    return Number(rows[0].n);
  } catch {
    return 0;
  }
}
