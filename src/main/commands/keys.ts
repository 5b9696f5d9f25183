import type { ApiKeyService } from '../../auth/api-key.service.js';
import type { PeopleService } from '../../people/people.service.js';
import { ROLES, systemPrincipal, type Role } from '../../auth/principal.js';
import { ConflictError, InputError, NotAllowedError } from '../../errors.js';

const USAGE = `Usage:
  hub keys create --person EMAIL [--new-person "DISPLAY NAME"] --name NAME --role ROLE [--role ROLE2 …] [--expires-days DAYS]
  hub keys list                      (prefix, state, roles, person, name, last use)
A key belongs to a person and carries a subset of that person's roles; --name is only a label.
--new-person creates the person (with the key's roles) when no person has that email.
Roles: ${ROLES.join(', ')}`;

interface CreateOptions {
  person: string | null;
  newPerson: string | null;
  name: string | null;
  roles: string[];
  expiresDays: number | null;
}

function parseCreate(args: string[]): CreateOptions | string {
  const options: CreateOptions = { person: null, newPerson: null, name: null, roles: [], expiresDays: null };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[i + 1];
    if (!['--person', '--new-person', '--name', '--role', '--expires-days'].includes(flag)) return `unknown option ${flag}`;
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    i++;
    if (flag === '--person') options.person = value;
    else if (flag === '--new-person') options.newPerson = value;
    else if (flag === '--name') options.name = value;
    else if (flag === '--role') options.roles.push(value.toUpperCase());
    else {
      const days = Number(value);
      if (!Number.isInteger(days) || days < 1 || days > 3650) return '--expires-days must be a whole number of days from 1 to 3650';
      options.expiresDays = days;
    }
  }
  if (!options.person) return '--person is required (the email of the person the key acts for)';
  if (!options.name) return '--name is required';
  if (options.roles.length === 0) return 'at least one --role is required';
  const unknown = options.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) return `unknown role(s) ${unknown.join(', ')}`;
  return options;
}

/**
 * `hub keys create|list`: API keys for scripts and BI tools, straight against the database (works before any
 * admin key exists). The created key is printed once, on its own line, so scripts can capture it.
 */
export async function keysCommand(args: string[], deps: { apiKeys: ApiKeyService; people: PeopleService; out: NodeJS.WritableStream }): Promise<number> {
  const [sub, ...rest] = args;
  const print = (line: string) => deps.out.write(`${line}\n`);
  if (sub === 'create') {
    const options = parseCreate(rest);
    if (typeof options === 'string') {
      print(`hub keys create: ${options}\n${USAGE}`);
      return 2;
    }
    try {
      const actor = systemPrincipal('cli');
      let person = await deps.people.findPersonByEmail(options.person!);
      if (!person && options.newPerson) person = await deps.people.createPerson({ email: options.person!, displayName: options.newPerson, roles: options.roles as Role[] }, actor);
      if (!person) {
        print(`hub keys create: no person has the email ${options.person}; add --new-person "Display Name" to create one`);
        return 2;
      }
      const { key, apiKey: row } = await deps.apiKeys.createApiKey({
        name: options.name!,
        roles: options.roles as Role[],
        personId: person.id,
        createdBy: actor,
        expiresAt: options.expiresDays ? new Date(Date.now() + options.expiresDays * 86_400_000) : null,
      });
      print(`Created API key "${row.name}" (${row.prefix}) for ${person.displayName} <${person.email}> with roles ${row.roles.join(', ')}${row.expiresAt ? `, expires ${row.expiresAt.toISOString()}` : ''}.`);
      print('Store it now; it is not shown again:');
      print(key);
      return 0;
    } catch (error) {
      if (error instanceof InputError) {
        print(`hub keys create: ${error.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
        return 2;
      }
      if (error instanceof NotAllowedError || error instanceof ConflictError) {
        print(`hub keys create: ${error.message}`);
        return 2;
      }
      throw error;
    }
  }
  if (sub === 'list' && rest.length === 0) {
    const rows = await deps.apiKeys.list();
    if (rows.length === 0) print('No API keys.');
    const emails = new Map((await deps.people.findPersonsByIds(rows.map((r) => r.personId))).map((p) => [p.id, p.email]));
    for (const row of rows) {
      const state = row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt.getTime() <= Date.now() ? 'expired' : 'active';
      print([row.prefix, state.padEnd(7), row.roles.join(',').padEnd(24), (emails.get(row.personId) ?? '?').padEnd(32), row.name, `last used ${row.lastUsedAt?.toISOString() ?? 'never'}`].join('  '));
    }
    return 0;
  }
  print(USAGE);
  return 2;
}
