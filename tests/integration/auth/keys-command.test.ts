import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../../src/auth/api-key.service.js';
import { PeopleService } from '../../../src/people/people.service.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { createLogger } from '../../../src/logger.js';
import { keysCommand } from '../../../src/main/commands/keys.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';

describe('keysCommand', () => {
  let database: TestDatabase;
  let apiKeys: ApiKeyService;
  let people: PeopleService;
  beforeAll(async () => {
    database = await createPostgresTestDatabase();
    apiKeys = new ApiKeyService({ db: database.handle.db, audit: new AuditRecorder(), logger: createLogger('silent') });
    people = new PeopleService({ db: database.handle.db, audit: new AuditRecorder() });
  });
  afterAll(() => database.drop());

  const run = async (args: string[]) => {
    const out: string[] = [];
    const code = await keysCommand(args, { apiKeys, people, out: { write: (s: string) => out.push(s) } as never });
    return { code, text: out.join('') };
  };

  describe('create', () => {
    it('should print a working key once, with its roles', async () => {
      const result = await run(['create', '--person', 'Etl.Owner@Example.com', '--new-person', 'Etl Owner', '--name', 'etl', '--role', 'operator', '--role', 'VIEWER', '--expires-days', '30']);
      expect(result.code).toBe(0);
      const key = result.text.split('\n').find((l) => l.startsWith('mh_'))!;
      const principal = await apiKeys.verify(key);
      expect(principal).toMatchObject({ roles: ['VIEWER', 'OPERATOR'], displayName: 'Etl Owner' });
      expect(result.text).toMatch(/expires/);
      // A second key for the same person (email in any case) belongs to the same person.
      const second = await run(['create', '--person', 'etl.owner@example.com', '--name', 'etl 2', '--role', 'VIEWER']);
      expect((await apiKeys.verify(second.text.split('\n').find((l) => l.startsWith('mh_'))!)).personId).toBe(principal.personId);
    });

    it('should refuse an unknown person without --new-person, and a role the person does not hold', async () => {
      const unknown = await run(['create', '--person', 'nobody@example.com', '--name', 'x', '--role', 'VIEWER']);
      expect(unknown.code).toBe(2);
      expect(unknown.text).toMatch(/no person has the email nobody@example.com/);
      await run(['create', '--person', 'viewer@example.com', '--new-person', 'Viewer', '--name', 'v', '--role', 'VIEWER']);
      const escalated = await run(['create', '--person', 'viewer@example.com', '--name', 'x', '--role', 'ADMIN']);
      expect(escalated.code).toBe(2);
      expect(escalated.text).toMatch(/does not hold ADMIN/);
    });

    it('should exit non-zero with the problem for a missing name or an unknown role', async () => {
      expect((await run(['create', '--role', 'VIEWER'])).text).toMatch(/--person is required/);
      expect((await run(['create', '--person', 'a@example.com', '--role', 'VIEWER'])).text).toMatch(/--name is required/);
      const unknown = await run(['create', '--person', 'a@example.com', '--name', 'x', '--role', 'GOD']);
      expect(unknown.code).toBe(2);
      expect(unknown.text).toMatch(/unknown role/);
    });
  });

  describe('list', () => {
    it('should list keys by prefix and state without the key itself', async () => {
      const created = await run(['create', '--person', 'listed@example.com', '--new-person', 'Listed', '--name', 'listed', '--role', 'VIEWER']);
      const key = created.text.split('\n').find((l) => l.startsWith('mh_'))!;
      const listed = await run(['list']);
      expect(listed.code).toBe(0);
      expect(listed.text).toContain(key.slice(0, 11));
      expect(listed.text).not.toContain(key.slice(12));
      expect(listed.text).toMatch(/active/);
      expect(listed.text).toMatch(new RegExp(`${key.slice(0, 11)}.*listed@example\\.com.*listed`));
    });
  });
});
