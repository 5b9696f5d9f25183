import { useState, type FormEvent } from 'react';
import { graphql } from '../api/graphql.ts';
import { useMutation, useQuery } from '../api/use-query.ts';
import type { Role } from '../auth/permissions.ts';
import { ErrorPanel } from '../components/error-panel.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { ProblemList } from '../components/problem-list.tsx';
import { FieldProblems } from '../components/problems.ts';
import { Badge, ConfirmAction, Field, Loading, When } from '../components/ui.tsx';

const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys { id name prefix roles createdBy createdAt lastUsedAt expiresAt revokedAt active }
  }
`);

const MyPerson = graphql(`
  query MyPerson {
    me { roles person { id displayName } }
  }
`);

const CreateKey = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { key apiKey { id name } }
  }
`);

const RevokeKey = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) { id revokedAt active }
  }
`);

const ROLES: Role[] = ['VIEWER', 'DATA_SCIENTIST', 'OPERATOR', 'VALIDATOR', 'RISK_OFFICER', 'ADMIN'];

/** API keys (ADMIN). A key belongs to a person; this screen mints keys for the signed-in person. */
export function ApiKeys() {
  const keys = useQuery(ApiKeysQuery, {});
  const revoke = useMutation(RevokeKey);
  return (
    <>
      <ScreenTitle>API keys</ScreenTitle>
      <NewKey onCreated={keys.refetch} />
      <ErrorPanel error={keys.error ?? revoke.error} />
      {!keys.data ? (
        <Loading />
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">API keys, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Roles</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.apiKeys.map((key) => (
              <tr key={key.id}>
                <th scope="row">{key.name}</th>
                <td>
                  <code>{key.prefix}</code>
                </td>
                <td>{key.roles.join(', ')}</td>
                <td>
                  <When at={key.createdAt} /> <span className="muted">by {key.createdBy}</span>
                </td>
                <td>
                  <When at={key.lastUsedAt} empty="Never" />
                </td>
                <td>{key.active ? <Badge tone="good">Active</Badge> : key.revokedAt ? <Badge tone="bad">Revoked</Badge> : <Badge tone="warn">Expired</Badge>}</td>
                <td>
                  {key.active ? (
                    <ConfirmAction
                      label="Revoke"
                      confirmLabel="Revoke now"
                      what={key.name}
                      running={revoke.running}
                      onConfirm={async () => {
                        const done = await revoke.run({ id: key.id });
                        if (done) await keys.refetch();
                        return done !== null;
                      }}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function NewKey({ onCreated }: { onCreated: () => Promise<void> }) {
  const me = useQuery(MyPerson, {});
  const person = me.data?.me.person ?? null;
  // A key carries only roles its person (and its creator) holds: offer the caller's own.
  const offered = ROLES.filter((role) => me.data?.me.roles.includes(role));
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['VIEWER']);
  const [expires, setExpires] = useState('');
  const create = useMutation(CreateKey);
  const problems = FieldProblems.of(create.error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!person) return;
    const done = await create.run({ input: { personId: person.id, name: name.trim(), roles, expiresAt: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : null } });
    if (done) {
      setName('');
      await onCreated();
    }
  };

  return (
    <section className="card" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">New key{person ? ` for ${person.displayName}` : ''}</h2>
      <form onSubmit={submit} noValidate>
        <Field label="What it is for" hint="e.g. “Power BI finance workspace”." problem={problems.for('name')}>
          {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <fieldset>
          <legend>Roles</legend>
          {offered.map((role) => (
            <label key={role} className="checkbox-inline">
              <input type="checkbox" checked={roles.includes(role)} onChange={(e) => setRoles(e.target.checked ? [...roles, role] : roles.filter((r) => r !== role))} /> {role}
            </label>
          ))}
          <RolesProblem message={problems.for('roles')} />
        </fieldset>
        <Field label="Expires on (optional)" problem={problems.for('expiresAt')}>
          {(props) => <input {...props} type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />}
        </Field>
        <ProblemList problems={problems} />
        <ErrorPanel error={create.error} title="The key was not created" />
        <button type="submit" className="primary" disabled={create.running}>
          Create the key
        </button>
      </form>
      {create.data ? (
        <div className="notice notice-good" role="status">
          <p>
            Key for “{create.data.createApiKey.apiKey.name}” created. Copy it now: it is shown only this once.
          </p>
          <p>
            <code className="secret-once" data-testid="new-key">
              {create.data.createApiKey.key}
            </code>
          </p>
        </div>
      ) : null}
    </section>
  );
}

function RolesProblem({ message }: { message: string | null }) {
  return message ? <p className="field-problem">{message}</p> : null;
}
