import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../../src/auth/api-key.service.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { createLogger } from '../../../src/logger.js';
import { keysCommand } from '../../../src/main/commands/keys.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';

describe('keysCommand', () => {
  let database: TestDatabase;
  let apiKeys: ApiKeyService;
  beforeAll(async () => {
    database = await createPostgresTestDatabase();
    apiKeys = new ApiKeyService({ db: database.handle.db, audit: new AuditRecorder(), logger: createLogger('silent') });
  });
  afterAll(() => database.drop());

  const run = async (args: string[]) => {
    const out: string[] = [];
    const code = await keysCommand(args, { apiKeys, out: { write: (s: string) => out.push(s) } as never });
    return { code, text: out.join('') };
  };

  describe('create', () => {
    it('should print a working key once, with its roles', async () => {
      const result = await run(['create', '--name', 'etl', '--role', 'operator', '--role', 'VIEWER', '--expires-days', '30']);
      expect(result.code).toBe(0);
      const key = result.text.split('\n').find((l) => l.startsWith('mh_'))!;
      expect((await apiKeys.verify(key)).roles).toEqual(['OPERATOR', 'VIEWER']);
      expect(result.text).toMatch(/expires/);
    });

    it('should exit non-zero with the problem for a missing name or an unknown role', async () => {
      expect((await run(['create', '--role', 'VIEWER'])).text).toMatch(/--name is required/);
      const unknown = await run(['create', '--name', 'x', '--role', 'GOD']);
      expect(unknown.code).toBe(2);
      expect(unknown.text).toMatch(/unknown role/);
    });
  });

  describe('list', () => {
    it('should list keys by prefix and state without the key itself', async () => {
      const created = await run(['create', '--name', 'listed', '--role', 'VIEWER']);
      const key = created.text.split('\n').find((l) => l.startsWith('mh_'))!;
      const listed = await run(['list']);
      expect(listed.code).toBe(0);
      expect(listed.text).toContain(key.slice(0, 11));
      expect(listed.text).not.toContain(key.slice(12));
      expect(listed.text).toMatch(/active/);
    });
  });
});
