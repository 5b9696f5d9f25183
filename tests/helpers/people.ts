import { randomBytes } from 'node:crypto';
import type { ApiKeyService } from '../../src/auth/api-key.service.js';
import { systemPrincipal, type Role } from '../../src/auth/principal.js';
import type { ApiKeyRecord } from '../../src/auth/api-key-record.js';
import type { PersonRow } from '../../src/db/schema/index.js';
import type { PeopleService } from '../../src/people/people.service.js';

/** A unique, valid email for a test person named `name`. */
export function testEmail(name: string): string {
  const local = name.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '') || 'person';
  return `${local}.${randomBytes(3).toString('hex')}@example.com`;
}

/**
 * A new person holding `roles` and one API key of theirs with the same roles: what a test needs to act as someone.
 * Created by the hub itself (`system:test`), so four eyes on role grants does not apply to the fixture.
 */
export async function createPersonWithKey(
  services: { people: PeopleService; apiKeys: ApiKeyService },
  options: { name: string; roles: Role[]; email?: string; keyName?: string },
): Promise<{ key: string; row: ApiKeyRecord; person: PersonRow }> {
  const actor = systemPrincipal('test');
  const person = await services.people.createPerson({ email: options.email ?? testEmail(options.name), displayName: options.name, roles: options.roles }, actor);
  const { key, apiKey: row } = await services.apiKeys.createApiKey({ name: options.keyName ?? options.name, roles: options.roles, personId: person.id, createdBy: actor });
  return { key, row, person };
}
