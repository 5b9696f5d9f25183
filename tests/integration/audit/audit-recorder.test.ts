/**
 * The audit recorder under volume: a sync that opens thousands of findings appends thousands of events in one
 * transaction. PostgreSQL caps one statement at 65 535 parameters, so one INSERT of them all would be refused.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { queryRows } from '../../../src/db/sql.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';

describe('AuditRecorder', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPostgresTestDatabase();
  });
  afterAll(() => database.drop());

  describe('record', () => {
    it('should append 6 000 events in one transaction, in order, with a chain that verifies', async () => {
      const recorder = new AuditRecorder();
      const actor = { id: 'system:findings', roles: ['ADMIN' as const] };
      const entries = Array.from({ length: 6_000 }, (_, i) => ({ actor, action: 'finding.opened', entityKind: 'finding', entityId: `f-${i}`, after: { n: i } }));
      const { db } = database.handle;

      await db.transaction((tx) => recorder.record(tx, entries));

      const [row] = await queryRows<{ n: number; first: string; last: string }>(
        db,
        sql`select count(*)::int as n, min(entity_id) filter (where seq = 1) as first, min(entity_id) filter (where seq = 6000) as last from audit_events`,
      );
      expect(row).toEqual({ n: 6_000, first: 'f-0', last: 'f-5999' });
      expect(await recorder.verify(db)).toEqual({ valid: true, firstBrokenSeq: null, checked: 6_000 });
    });

    it('should hash what the database stores when a value is one RFC 8785 refuses (lone surrogate, NaN)', async () => {
      const recorder = new AuditRecorder();
      const { db } = database.handle;
      // PostgreSQL's UTF-8 text keeps a lone surrogate as U+FFFD, JSON a NaN as null: the hash must be of those.
      await db.transaction((tx) =>
        recorder.record(tx, { actor: { id: 'person:\ud800x', roles: [] }, action: 'model.renamed', entityKind: 'model', entityId: 'm-\udc00', after: { score: Number.NaN } }),
      );
      const [row] = await queryRows<{ actor_id: string; entity_id: string; after: unknown }>(db, sql`select actor_id, entity_id, after from audit_events order by seq desc limit 1`);
      expect(row).toEqual({ actor_id: 'person:\ufffdx', entity_id: 'm-\ufffd', after: { score: null } });
      expect(await recorder.verify(db)).toMatchObject({ valid: true, firstBrokenSeq: null });
    });
  });
});
