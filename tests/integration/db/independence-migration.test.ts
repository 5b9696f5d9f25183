/** Migration `independence` on a database that already holds requests and decisions made through API keys. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/client.js';
import { MIGRATIONS_FOLDER, migrate } from '../../../src/db/migrate.js';
import { pgError, queryRows } from '../../../src/db/sql.js';

describe('migration independence on a database holding key-made decisions', () => {
  it('should fill person ids from the keys, resolve email owners, keep old ADMIN decisions and refuse new ones', async () => {
    const before = mkdtempSync(join(tmpdir(), 'hub-migrations-'));
    cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
    const journalPath = join(before, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    journal.entries = journal.entries.slice(0, journal.entries.findIndex((entry) => entry.tag.endsWith('_independence')));
    writeFileSync(journalPath, JSON.stringify(journal));

    const handle = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    const db = handle.db;
    try {
      const { migrate: runUpTo } = await import('drizzle-orm/pglite/migrator');
      await runUpTo(db as never, { migrationsFolder: before });
      // Two people with a key each (as the people migration left them), an SSO subject without a person, and an
      // ADMIN who filled a VALIDATOR slot back when ADMIN held every role.
      await db.execute(sql`
        insert into persons (id, email, display_name, roles) values
          ('00000000-0000-4000-8000-00000000000a', 'dana@bank.example', 'Dana', '{DATA_SCIENTIST}'),
          ('00000000-0000-4000-8000-00000000000b', 'ada@bank.example', 'Ada', '{ADMIN}'),
          ('00000000-0000-4000-8000-00000000000c', 'olga@bank.example', 'Olga', '{VALIDATOR}')`);
      await db.execute(sql`
        insert into api_keys (id, name, prefix, key_hash, roles, person_id, created_by) values
          ('10000000-0000-4000-8000-00000000000a', 'dana', 'mh_aaaaaaaa', 'h1', '{DATA_SCIENTIST}', '00000000-0000-4000-8000-00000000000a', 'cli'),
          ('10000000-0000-4000-8000-00000000000b', 'ada', 'mh_bbbbbbbb', 'h2', '{ADMIN}', '00000000-0000-4000-8000-00000000000b', 'cli')`);
      await db.execute(sql`
        with s as (insert into sources (id, vendor, name) values ('20000000-0000-4000-8000-000000000001', 'mlflow', 'ml') returning id),
             m as (insert into models (id, source_id, external_id, name, content_hash, accountable_owner)
                   select '30000000-0000-4000-8000-000000000001', s.id, 'm', 'm', 'h', ' OLGA@bank.example ' from s returning id, source_id)
        insert into model_versions (id, source_id, model_id, external_id, version, content_hash)
          select '40000000-0000-4000-8000-000000000001', m.source_id, m.id, 'm/1', '1', 'h' from m`);
      await db.execute(sql`
        insert into change_requests (id, model_version_id, from_state, to_state, requester_id, requester_roles, justification, policy_snapshot, status, expires_at) values
          ('50000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001', 'DEVELOPMENT', 'VALIDATION', 'key:10000000-0000-4000-8000-00000000000a', '{DATA_SCIENTIST}', 'x', '{}', 'APPLIED', now()),
          ('50000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000001', 'VALIDATION', 'APPROVED', 'sso-subject-7', '{DATA_SCIENTIST}', 'x', '{}', 'PENDING', now() + interval '1 day')`);
      await db.execute(sql`
        insert into approvals (change_request_id, decision, slot_role, slot_index, approver_id, approver_roles, requester_id) values
          ('50000000-0000-4000-8000-000000000001', 'APPROVE', 'VALIDATOR', 0, 'key:10000000-0000-4000-8000-00000000000b', '{ADMIN}', 'key:10000000-0000-4000-8000-00000000000a')`);

      await migrate(handle);

      const requests = await queryRows<{ id: string; requester_person_id: string | null }>(db, sql`select id, requester_person_id from change_requests order by id`);
      expect(requests.map((r) => r.requester_person_id)).toEqual(['00000000-0000-4000-8000-00000000000a', null]);
      const [decision] = await queryRows<{ approver_person_id: string; requester_person_id: string }>(db, sql`select approver_person_id, requester_person_id from approvals`);
      expect(decision).toEqual({ approver_person_id: '00000000-0000-4000-8000-00000000000b', requester_person_id: '00000000-0000-4000-8000-00000000000a' });
      const [model] = await queryRows<{ accountable_owner_person_id: string }>(db, sql`select accountable_owner_person_id from models`);
      expect(model.accountable_owner_person_id).toBe('00000000-0000-4000-8000-00000000000c');

      // History stays; a new ADMIN decision in a VALIDATOR slot, or a second key of the requester, is refused.
      const refused = (statement: ReturnType<typeof sql>) => db.execute(statement).then(() => null, (e: unknown) => pgError(e)?.constraint);
      expect(
        await refused(sql`insert into approvals (change_request_id, decision, slot_role, slot_index, approver_id, approver_roles, requester_id)
          values ('50000000-0000-4000-8000-000000000002', 'APPROVE', 'VALIDATOR', 0, 'key:other', '{ADMIN}', 'sso-subject-7')`),
      ).toBe('approvals_role_held_ck');
      expect(
        await refused(sql`insert into approvals (change_request_id, decision, slot_role, slot_index, approver_id, approver_person_id, approver_roles, requester_id, requester_person_id)
          values ('50000000-0000-4000-8000-000000000002', 'APPROVE', 'VALIDATOR', 0, 'key:second', '00000000-0000-4000-8000-00000000000a', '{VALIDATOR}', 'key:first', '00000000-0000-4000-8000-00000000000a')`),
      ).toBe('approvals_not_self_person_ck');
    } finally {
      await handle.close();
      rmSync(before, { recursive: true, force: true });
    }
  });
});
