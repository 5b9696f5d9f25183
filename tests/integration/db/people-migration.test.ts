/** Upgrading to people: the migration gives every existing key its own person, and every key keeps working. */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ApiKeyService, generateApiKey } from '../../../src/auth/api-key.service.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { openDatabase } from '../../../src/db/client.js';
import { MIGRATIONS_FOLDER, migrate } from '../../../src/db/migrate.js';
import { queryRows } from '../../../src/db/sql.js';
import { createLogger } from '../../../src/logger.js';
import { PeopleService } from '../../../src/people/people.service.js';
import { systemPrincipal } from '../../../src/auth/principal.js';

describe('migration "people" on a database holding API keys', () => {
  it('should give each key its own person with the key’s roles, never one per name or creator', async () => {
    const before = mkdtempSync(join(tmpdir(), 'hub-migrations-'));
    cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
    const journalPath = join(before, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    journal.entries = journal.entries.slice(0, journal.entries.findIndex((entry) => entry.tag.endsWith('_people')));
    writeFileSync(journalPath, JSON.stringify(journal));

    const handle = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    try {
      const { migrate: runUpTo } = await import('drizzle-orm/pglite/migrator');
      await runUpTo(handle.db as never, { migrationsFolder: before });
      const keys = [generateApiKey(), generateApiKey(), generateApiKey()];
      const hash = (key: string) => createHash('sha256').update(key).digest('hex');
      // Two keys with one label and one creator (maybe two people), and the key the hub made at first start.
      await handle.db.execute(sql`insert into api_keys (name, prefix, key_hash, roles, created_by) values
        ('shared label', ${keys[0].prefix}, ${hash(keys[0].key)}, '{VALIDATOR}', 'key:creator'),
        ('shared label', ${keys[1].prefix}, ${hash(keys[1].key)}, '{DATA_SCIENTIST,VIEWER}', 'key:creator'),
        ('bootstrap admin', ${keys[2].prefix}, ${hash(keys[2].key)}, '{ADMIN}', 'system:bootstrap')`);

      await migrate(handle);

      const persons = await queryRows<{ email: string; display_name: string; roles: string[]; break_glass: boolean }>(
        handle.db,
        sql`select p.email, p.display_name, p.roles, p.break_glass from api_keys k join persons p on p.id = k.person_id order by k.prefix = ${keys[2].prefix}, p.email`,
      );
      expect(persons).toEqual(
        [
          { email: `${keys[0].prefix}@keys.invalid`, display_name: 'shared label', roles: ['VALIDATOR'], break_glass: false },
          { email: `${keys[1].prefix}@keys.invalid`, display_name: 'shared label', roles: ['DATA_SCIENTIST', 'VIEWER'], break_glass: false },
        ]
          .sort((a, b) => a.email.localeCompare(b.email))
          .concat([{ email: 'bootstrap-admin@hub.invalid', display_name: 'bootstrap admin (break glass)', roles: ['ADMIN'], break_glass: true }]),
      );

      const service = new ApiKeyService({ db: handle.db, audit: new AuditRecorder(), logger: createLogger('silent') });
      const [validator, scientist] = [await service.verify(keys[0].key), await service.verify(keys[1].key)];
      expect(validator.roles).toEqual(['VALIDATOR']);
      expect(scientist.roles).toEqual(['VIEWER', 'DATA_SCIENTIST']);
      expect(validator.personId).not.toBe(scientist.personId);
      // No ADMIN person yet: the old first-start key still administers (as break glass).
      expect((await service.verify(keys[2].key)).breakGlass).toBe(true);

      // An ADMIN then renames the placeholder person, and gives it the real email.
      const people = new PeopleService({ db: handle.db, audit: new AuditRecorder() });
      const renamed = await people.updatePerson(validator.personId!, { displayName: 'Vic Validator' }, systemPrincipal('test'));
      expect(renamed).toMatchObject({ displayName: 'Vic Validator', email: `${keys[0].prefix}@keys.invalid` });
      expect((await people.updatePerson(validator.personId!, { email: 'vic@bank.example' }, systemPrincipal('test'))).email).toBe('vic@bank.example');
      expect((await service.verify(keys[0].key)).displayName).toBe('Vic Validator');
    } finally {
      await handle.close();
      rmSync(before, { recursive: true, force: true });
    }
  });
});
