import { useState, type FormEvent } from 'react';
import { graphql } from '../api/graphql.ts';
import { useMutation, useQuery } from '../api/use-query.ts';
import { GOVERNED_ROLES, ROLES, type Role } from '../auth/permissions.ts';
import { useViewer } from '../auth/viewer.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { Pager, useForwardPaging } from '../components/pager.tsx';
import { ProblemList } from '../components/problem-list.tsx';
import { FieldProblems } from '../components/problems.ts';
import { Badge, Field, Loading } from '../components/ui.tsx';
import { Link, navigate, setSearch, useLocation } from '../routing/router.tsx';

const PeopleQuery = graphql(`
  query People($first: Int, $after: String, $active: Boolean) {
    people(first: $first, after: $after, active: $active) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id email displayName active roles
        identities { apiKeys { id active } sso { active } }
      }
    }
  }
`);

const CreatePerson = graphql(`
  mutation CreatePerson($input: CreatePersonInput!) {
    createPerson(input: $input) { id displayName }
  }
`);

/** Roles an ADMIN grants directly; the governed ones go through a role-grant request a second ADMIN approves. */
export const DIRECT_ROLES: readonly Role[] = ROLES.filter((role) => !GOVERNED_ROLES.includes(role));

const ACTIVE_FILTERS: Record<string, boolean | null> = { all: null, active: true, deactivated: false };

/** Everyone who acts in the hub (ADMIN; RISK_OFFICER reads), paged by the server, and a form for a new person. */
export function People() {
  const { may } = useViewer();
  const { search } = useLocation();
  const status = search.get('status') ?? 'active';
  const active = status in ACTIVE_FILTERS ? ACTIVE_FILTERS[status] : true;
  const paging = useForwardPaging(25, status);
  const result = useQuery(PeopleQuery, { ...paging.variables, active });
  return (
    <>
      <ScreenTitle>People and keys</ScreenTitle>
      <p className="lead">
        Independence is between people: each API key and SSO sign-in belongs to one person, and segregation of duties compares people, whichever credential they use.
      </p>
      {may('managePeople') ? <NewPerson /> : <p className="muted">You can read people and their credentials; only an administrator changes them.</p>}
      <div className="filters">
        <Field label="Show">
          {(props) => (
            <select {...props} value={status} onChange={(e) => setSearch({ status: e.target.value === 'active' ? null : e.target.value })}>
              <option value="active">Active people</option>
              <option value="deactivated">Deactivated people</option>
              <option value="all">Everyone</option>
            </select>
          )}
        </Field>
      </div>
      <ErrorPanel error={result.error} />
      {!result.data ? (
        <Loading />
      ) : (
        <>
          <table className="data-table">
            <caption className="visually-hidden">People, by email</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Roles</th>
                <th scope="col">Active keys</th>
                <th scope="col">SSO sign-ins</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {result.data.people.nodes.map((person) => (
                <tr key={person.id}>
                  <th scope="row">
                    <Link to={`/admin/people/${encodeURIComponent(person.id)}`}>{person.displayName}</Link>
                  </th>
                  <td>{person.email}</td>
                  <td>{person.roles.length ? person.roles.join(', ') : <span className="muted">none</span>}</td>
                  <td>{person.identities.apiKeys.filter((k) => k.active).length}</td>
                  <td>{person.identities.sso.filter((s) => s.active).length}</td>
                  <td>{person.active ? <Badge tone="good">Active</Badge> : <Badge tone="bad">Deactivated</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager paging={paging} connection={result.data.people} label="people" loading={result.loading} />
        </>
      )}
    </>
  );
}

function NewPerson() {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const create = useMutation(CreatePerson);
  const problems = FieldProblems.of(create.error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await create.run({ input: { email: email.trim(), displayName: displayName.trim(), roles } });
    if (done) navigate(`/admin/people/${encodeURIComponent(done.createPerson.id)}`);
  };

  return (
    <section className="card" aria-labelledby="new-person-heading">
      <h2 id="new-person-heading">New person</h2>
      <form onSubmit={submit} noValidate>
        <Field label="Email" hint="How SSO sign-ins link by email and vendor owners resolve to this person." problem={problems.for('email')}>
          {(props) => <input {...props} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Display name" problem={problems.for('displayName')}>
          {(props) => <input {...props} autoComplete="off" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />}
        </Field>
        <RoleChoice legend="Roles" offered={DIRECT_ROLES} chosen={roles} onChange={setRoles} problem={problems.for('roles')} />
        <p className="field-hint">VALIDATOR, RISK_OFFICER and ADMIN are granted from the person’s page through a role-grant request that a second administrator approves.</p>
        <ProblemList problems={problems} />
        <ErrorPanel error={create.error} title="The person was not created" />
        <button type="submit" className="primary" disabled={create.running}>
          Create the person
        </button>
      </form>
    </section>
  );
}

/** Role checkboxes in a labelled group. */
export function RoleChoice({ legend, offered, chosen, onChange, problem }: { legend: string; offered: readonly Role[]; chosen: readonly Role[]; onChange: (roles: Role[]) => void; problem?: string | null }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {offered.length === 0 ? <p className="muted">None to offer.</p> : null}
      {offered.map((role) => (
        <label key={role} className="checkbox-inline">
          <input type="checkbox" checked={chosen.includes(role)} onChange={(e) => onChange(e.target.checked ? [...chosen, role] : chosen.filter((r) => r !== role))} /> {role}
        </label>
      ))}
      {problem ? <p className="field-problem">{problem}</p> : null}
    </fieldset>
  );
}
