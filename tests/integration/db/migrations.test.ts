/** The same migrations give the same schema, constraints and triggers on PostgreSQL and on embedded PGlite. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/client.js';
import { MIGRATIONS_FOLDER, migrate, migrationsApplied } from '../../../src/db/migrate.js';
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

  it('should refuse to update, delete or truncate signed audit checkpoints', async () => {
    const { db } = database.handle;
    await db.execute(sql`insert into audit_checkpoints (seq, head_hash, signed_at, key_id, signature) values (1, ${'a'.repeat(64)}, now(), 'k', 's')`);
    for (const statement of [sql`update audit_checkpoints set head_hash = 'b'`, sql`delete from audit_checkpoints`, sql`truncate audit_checkpoints`]) {
      const error = await db.execute(statement).then(() => null, (e: unknown) => e);
      expect(pgError(error)?.message).toMatch(/append-only/);
    }
    const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_checkpoints`);
    expect(rows[0].n).toBe(1);
  });
});

describe('migration 0004 (deployment environment) on a database holding deployments', () => {
  it("should keep each deployment's vendor text as environment_raw and keep production ones in PRODUCTION", async () => {
    // The migrations before 0004, applied from a copy of the folder whose journal stops at 0003.
    const before = mkdtempSync(join(tmpdir(), 'hub-migrations-'));
    cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
    const journalPath = join(before, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    journal.entries = journal.entries.slice(0, journal.entries.findIndex((entry) => entry.tag.startsWith('0004_')));
    writeFileSync(journalPath, JSON.stringify(journal));

    const handle = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    try {
      const { migrate: runUpTo } = await import('drizzle-orm/pglite/migrator');
      await runUpTo(handle.db as never, { migrationsFolder: before });
      await handle.db.execute(sql`with s as (insert into sources (vendor, name) values ('sagemaker', 'aws') returning id)
        insert into deployments (source_id, external_id, name, environment, serving_production, content_hash)
        select s.id, e.id, e.id, e.environment, e.serving, 'h' from s,
          (values ('live', 'production', true), ('staged', 'staging', false), ('untagged', null, true)) as e(id, environment, serving)`);

      await migrate(handle);

      const rows = await queryRows<{ external_id: string; environment: string; environment_raw: string | null; tags: unknown }>(
        handle.db,
        sql`select external_id, environment, environment_raw, tags from deployments order by external_id`,
      );
      expect(rows).toEqual([
        { external_id: 'live', environment: 'PRODUCTION', environment_raw: 'production', tags: {} },
        { external_id: 'staged', environment: 'UNKNOWN', environment_raw: 'staging', tags: {} },
        { external_id: 'untagged', environment: 'PRODUCTION', environment_raw: null, tags: {} },
      ]);
    } finally {
      await handle.close();
      rmSync(before, { recursive: true, force: true });
    }
  });
});

describe('migrations moving the write-back status to the outbox, on a database holding applied requests', () => {
  it('should show each request the same write-back status, attempts, message and time as before', async () => {
    // The migrations before the move, applied from a copy of the folder whose journal stops before it (found by
    // name: migrations are renumbered when branches merge).
    const before = mkdtempSync(join(tmpdir(), 'hub-migrations-'));
    cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
    const journalPath = join(before, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    journal.entries = journal.entries.slice(0, journal.entries.findIndex((entry) => entry.tag.endsWith('_outbox_last_attempt_at')));
    writeFileSync(journalPath, JSON.stringify(journal));

    const handle = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    try {
      const { migrate: runUpTo } = await import('drizzle-orm/pglite/migrator');
      await runUpTo(handle.db as never, { migrationsFolder: before });
      const at = '2026-03-01T10:00:00.000Z';
      await handle.db.execute(sql`with s as (insert into sources (vendor, name) values ('mlflow', 'ml') returning id),
          m as (insert into models (source_id, external_id, name, content_hash) select s.id, 'scorer', 'scorer', 'h' from s returning id, source_id),
          v as (insert into model_versions (source_id, model_id, external_id, version, content_hash)
                select m.source_id, m.id, e.id, e.id, 'h' from m, (values ('scorer/1'), ('scorer/2'), ('scorer/3')) as e(id) returning id, source_id, external_id)
        insert into change_requests (id, model_version_id, from_state, to_state, requester_id, requester_roles, justification, policy_snapshot, status, expires_at,
                                     write_back_status, write_back_attempts, write_back_message, write_back_at)
        select r.id::uuid, v.id, 'DEVELOPMENT', 'VALIDATION', 'dana', '{DATA_SCIENTIST}', 'test', '{}', r.status, now(), r.wb_status, r.attempts, r.message, r.at::timestamptz
        from v join (values
          ('00000000-0000-7000-8000-000000000001', 'scorer/1', 'APPLIED', 'DONE', 2, 'alias set', ${at}),
          ('00000000-0000-7000-8000-000000000002', 'scorer/2', 'APPLIED', 'PENDING', 0, null, null),
          ('00000000-0000-7000-8000-000000000003', 'scorer/3', 'REJECTED', null, 0, null, null)
        ) as r(id, version, status, wb_status, attempts, message, at) on r.version = v.external_id`);
      await handle.db.execute(sql`insert into write_back_outbox (change_request_id, model_version_id, from_state, to_state, position, source_id, status, attempts, message)
        select cr.id, cr.model_version_id, cr.from_state, cr.to_state, 0, v.source_id, cr.write_back_status, cr.write_back_attempts, cr.write_back_message
        from change_requests cr join model_versions v on v.id = cr.model_version_id where cr.status = 'APPLIED'`);

      await migrate(handle);

      const { writeBackSummaries } = await import('../../../src/governance/write-back-status.js');
      const ids = ['00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000003'];
      const summaries = await writeBackSummaries(handle.db, ids);
      expect(ids.map((id) => summaries.get(id))).toEqual([
        { writeBackStatus: 'DONE', writeBackAttempts: 2, writeBackMessage: 'alias set', writeBackAt: new Date(at) },
        { writeBackStatus: 'PENDING', writeBackAttempts: 0, writeBackMessage: null, writeBackAt: null },
        { writeBackStatus: null, writeBackAttempts: 0, writeBackMessage: null, writeBackAt: null },
      ]);
      const columns = await queryRows<{ column_name: string }>(
        handle.db,
        sql`select column_name from information_schema.columns where table_name = 'change_requests' and column_name like 'write_back%'`,
      );
      expect(columns).toEqual([]);
    } finally {
      await handle.close();
      rmSync(before, { recursive: true, force: true });
    }
  });
});
