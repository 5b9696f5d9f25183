import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import type { Db } from '../../../src/db/client.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { AuditService } from '../../../src/audit/audit.service.js';

describe('AuditService', () => {
  let tdb: TestDatabase;
  let db: Db;
  let service: AuditService;
  const alice = { id: 'alice', roles: ['ADMIN' as const] };
  const bob = { id: 'bob', roles: ['RISK_OFFICER' as const] };

  beforeAll(async () => {
    tdb = await createPostgresTestDatabase();
    db = tdb.handle.db;
    service = new AuditService({ db });
    const recorder = new AuditRecorder();
    await db.transaction((tx) =>
      recorder.record(tx, [
        { actor: alice, action: 'policy.updated', entityKind: 'policy', entityId: 'p1', after: { revision: 2 } },
        { actor: bob, action: 'model.governance_updated', entityKind: 'model', entityId: 'm1', after: { riskTier: 'HIGH' } },
        { actor: alice, action: 'change_request.opened', entityKind: 'change_request', entityId: 'c1' },
        { actor: bob, action: 'change_request.approved', entityKind: 'change_request', entityId: 'c1' },
        { actor: alice, action: 'change_request_note.added', entityKind: 'note', entityId: 'n1' },
      ]),
    );
  });
  afterAll(async () => {
    await tdb.drop();
  });

  describe('list', () => {
    it('should page newest first with a total', async () => {
      const first = await service.list({}, { first: 2 });
      expect(first.items.map((e) => e.seq)).toEqual([5, 4]);
      expect(first).toMatchObject({ hasNextPage: true, totalCount: 5 });
      const last = await service.list({}, { first: 10, afterSeq: 2 });
      expect(last.items.map((e) => e.seq)).toEqual([1]);
      expect(last.hasNextPage).toBe(false);
    });

    it('should filter by entity, actor and action prefix, treating _ literally', async () => {
      expect((await service.list({ entityKind: 'change_request', entityId: 'c1' }, { first: 10 })).items.map((e) => e.action)).toEqual([
        'change_request.approved',
        'change_request.opened',
      ]);
      expect((await service.list({ actorId: 'bob' }, { first: 10 })).totalCount).toBe(2);
      expect((await service.list({ actions: ['change_request.'] }, { first: 10 })).totalCount).toBe(2);
      expect((await service.list({ actions: ['policy.updated', 'model.'] }, { first: 10 })).totalCount).toBe(2);
    });
  });

  describe('verify', () => {
    it('should point at the event edited behind the trigger', async () => {
      expect(await service.verify()).toMatchObject({ valid: true, firstBrokenSeq: null, checked: 5, lastVerifiedSeq: 5, problems: [] });
      await expect(db.execute(sql`update audit_events set action = 'x' where seq = 3`)).rejects.toThrow();
      await db.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
      try {
        await db.execute(sql`update audit_events set after = '{"riskTier":"LOW"}'::jsonb where seq = 3`);
      } finally {
        await db.execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
      }
      expect(await service.verify()).toMatchObject({ valid: false, firstBrokenSeq: 3, checked: 2, problems: [{ kind: 'EDITED', sequence: 3 }] });
    });
  });
});
