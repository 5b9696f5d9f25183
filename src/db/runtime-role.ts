import type pg from 'pg';

/**
 * Least privilege on PostgreSQL: migrations run as the role that owns the tables; the hub runs as a runtime role
 * that owns nothing, so it can neither ALTER a table, DROP it, nor disable its triggers, and is granted only the rows
 * operations it needs. Audit events and approvals are append-only for it; change requests can be added and updated
 * (a trigger, migration 0010, keeps decided ones final) but never deleted.
 */
export interface RuntimeRoleSettings {
  /** The runtime role's name (HUB_DB_RUNTIME_ROLE). */
  name: string;
  /** Set as the role's password when given (HUB_DB_RUNTIME_PASSWORD); an existing role's password is left alone otherwise. */
  password: string | null;
}

/** Rows the runtime role may add and read, never change or remove (tables not yet created are skipped). */
export const APPEND_ONLY_TABLES: readonly string[] = ['audit_events', 'approvals', 'audit_checkpoints'];
/** Rows the runtime role may add, read and update, never remove. */
export const NO_DELETE_TABLES: readonly string[] = ['change_requests'];

const FULL = 'SELECT, INSERT, UPDATE, DELETE';

export interface RuntimeGrants {
  role: string;
  created: boolean;
  /** table -> privileges granted. */
  tables: Record<string, string>;
}

/**
 * Creates the runtime role when missing (LOGIN) and grants it exactly what the hub needs on the current database.
 * Runs on the owner's session after the migrations, in one transaction: the revoke-then-grant leaves no window in
 * which a table is missing its grant. Idempotent; the caller holds the migration lock.
 */
export async function grantRuntimeRole(client: pg.Client, role: RuntimeRoleSettings): Promise<RuntimeGrants> {
  const ident = client.escapeIdentifier(role.name);
  const { rows: owners } = await client.query<{ owner: string; is_super: boolean }>(
    `select current_user as owner, (select rolsuper from pg_roles where rolname = $1) as is_super`,
    [role.name],
  );
  const owner = owners[0].owner;
  if (owner === role.name) {
    throw new Error(`HUB_DB_RUNTIME_ROLE (${role.name}) is the role DATABASE_MIGRATION_URL connects as: the runtime role must be a different role that owns nothing.`);
  }
  if (owners[0].is_super) throw new Error(`The runtime role ${role.name} is a superuser: it would bypass every privilege. Use a plain LOGIN role.`);

  await client.query('begin');
  try {
    const { rows: existing } = await client.query('select 1 from pg_roles where rolname = $1', [role.name]);
    const created = existing.length === 0;
    const password = role.password === null ? '' : ` PASSWORD ${client.escapeLiteral(role.password)}`;
    if (created) await client.query(`CREATE ROLE ${ident} LOGIN${password}`);
    else if (role.password !== null) await client.query(`ALTER ROLE ${ident} LOGIN${password}`);
    const { rows: member } = await client.query<{ member: boolean }>(`select pg_has_role($1, current_user, 'MEMBER') as member`, [role.name]);
    if (member[0].member) throw new Error(`The runtime role ${role.name} is a member of the owner ${owner}: it would hold the owner's rights. Use a role outside it.`);

    const { rows: dbs } = await client.query<{ name: string }>('select current_database() as name');
    await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${client.escapeIdentifier(dbs[0].name)} TO ${ident}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${ident}`);
    // /readyz and every start compare the applied migrations with the code's.
    await client.query(`GRANT USAGE ON SCHEMA drizzle TO ${ident}`);
    await client.query(`GRANT SELECT ON drizzle.__drizzle_migrations TO ${ident}`);

    const { rows: tables } = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by tablename`);
    const granted: Record<string, string> = {};
    await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${ident}`);
    for (const { name } of tables) {
      const privileges = APPEND_ONLY_TABLES.includes(name) ? 'SELECT, INSERT' : NO_DELETE_TABLES.includes(name) ? 'SELECT, INSERT, UPDATE' : FULL;
      await client.query(`GRANT ${privileges} ON ${client.escapeIdentifier(name)} TO ${ident}`);
      granted[name] = privileges;
    }
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ident}`);
    // Tables a later migration creates are usable at once; the next grant (after that migration) narrows the protected ones.
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${client.escapeIdentifier(owner)} IN SCHEMA public GRANT ${FULL} ON TABLES TO ${ident}`);
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${client.escapeIdentifier(owner)} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${ident}`);
    await client.query('commit');
    return { role: role.name, created, tables: granted };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}
