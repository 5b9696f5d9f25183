/** The same migrations give the same schema, constraints and triggers on PostgreSQL and on embedded PGlite. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrationsApplied } from '../../../src/db/migrate.js';
import { pgError, queryRows } from '../../../src/db/sql.js';
import { DRIVERS, type TestDatabase } from '../../helpers/db.js';

describe.each(DRIVERS)('migrations on %s', (_driver, create) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await create();
  });
  afterAll(() => database.drop());

  it('should report every migration applied and be idempotent when run again', async () => {
    await migrate(database.handle);
    expect(await migrationsApplied(database.handle)).toBe(true);
  });

  it('should refuse to update, delete or truncate audit events', async () => {
    const { db } = database.handle;
    await db.execute(sql`insert into audit_events (at, actor_id, actor_roles, action, entity_kind, entity_id, prev_hash, hash)
      values (now(), 'system', '{}', 'test', 'test', 'x', ${'0'.repeat(64)}, ${'a'.repeat(64)})`);
    for (const statement of [sql`update audit_events set action = 'changed'`, sql`delete from audit_events`, sql`truncate audit_events`]) {
      const error = await db.execute(statement).then(() => null, (e: unknown) => e);
      expect(pgError(error)?.message).toMatch(/append-only/);
    }
    const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_events`);
    expect(rows[0].n).toBe(1);
  });
});
