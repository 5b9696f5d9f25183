import { useState, type FormEvent } from 'react';
import { graphql, type ResultOf } from '../api/graphql.ts';
import { useMutation, useQuery } from '../api/use-query.ts';
import { GOVERNED_ROLES, ROLES, type Role } from '../auth/permissions.ts';
import { useViewer } from '../auth/viewer.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { ProblemList } from '../components/problem-list.tsx';
import { FieldProblems } from '../components/problems.ts';
import { Badge, ConfirmAction, Field, Loading, When } from '../components/ui.tsx';
import { Link } from '../routing/router.tsx';
import { RoleChoice } from './people.tsx';

const PersonQuery = graphql(`
  query PersonDetail($id: ID!) {
    node(id: $id) {
      __typename
      ... on Person {
        id email displayName active roles createdAt updatedAt deactivatedAt
        identities {
          apiKeys { id name prefix roles createdBy createdAt lastUsedAt expiresAt revokedAt active }
          sso { issuer subject linkedBy createdAt disabledAt active }
        }
      }
    }
  }
`);

const UpdatePerson = graphql(`
  mutation UpdatePerson($id: ID!, $input: UpdatePersonInput!) {
    updatePerson(id: $id, input: $input) { id email displayName roles updatedAt }
  }
`);

const Deactivate = graphql(`
  mutation DeactivatePerson($id: ID!) {
    deactivatePerson(id: $id) { id active deactivatedAt }
  }
`);

const LinkIdentity = graphql(`
  mutation LinkIdentity($input: LinkIdentityInput!) {
    linkIdentity(input: $input) { id }
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

const RequestRoleGrant = graphql(`
  mutation RequestRoleGrant($personId: ID!, $role: Role!, $justification: String!) {
    requestRoleGrant(personId: $personId, role: $role, justification: $justification) { id status }
  }
`);

type PersonRecord = Extract<NonNullable<ResultOf<typeof PersonQuery>['node']>, { __typename: 'Person' }>;

/** One person: who they are, their keys and SSO sign-ins; an ADMIN manages them here, a RISK_OFFICER reads. */
export function PersonScreen({ id }: { id: string }) {
  const result = useQuery(PersonQuery, { id });
  if (result.error && !result.data) return <ErrorPanel error={result.error} title="Person unavailable" />;
  if (!result.data) return <Loading what="Loading the person" />;
  const node = result.data.node;
  if (!node || node.__typename !== 'Person') {
    return (
      <>
        <ScreenTitle>Person not found</ScreenTitle>
        <p>The hub has no person with this id.</p>
      </>
    );
  }
  return <PersonDetail person={node as PersonRecord} refetch={result.refetch} />;
}

function PersonDetail({ person, refetch }: { person: PersonRecord; refetch: () => Promise<void> }) {
  const { me, may } = useViewer();
  const admin = may('managePeople');
  const isMe = me.person?.id === person.id;
  const activeKeys = person.identities.apiKeys.filter((k) => k.active).length;
  const activeSso = person.identities.sso.filter((s) => s.active).length;
  return (
    <>
      <ScreenTitle>{person.displayName}</ScreenTitle>
      <p className="summary-line">
        {person.active ? <Badge tone="good">Active</Badge> : <Badge tone="bad">Deactivated</Badge>} {person.email} · <Link to="/admin/people">All people</Link>
      </p>
      <div className="columns">
        <section className="card" aria-labelledby="person-heading">
          <h2 id="person-heading">Person</h2>
          <dl className="key-values">
            <div>
              <dt>Email</dt>
              <dd>{person.email}</dd>
            </div>
            <div>
              <dt>Roles</dt>
              <dd data-testid="person-roles">{person.roles.length ? person.roles.join(', ') : 'none'}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>
                <When at={person.createdAt} />
              </dd>
            </div>
            <div>
              <dt>Deactivated</dt>
              <dd>
                <When at={person.deactivatedAt} />
              </dd>
            </div>
          </dl>
          {admin && person.active && !isMe ? <DeactivatePerson person={person} activeKeys={activeKeys} activeSso={activeSso} onDone={refetch} /> : null}
        </section>
        {admin && person.active ? <RoleGrant person={person} isMe={isMe} /> : null}
      </div>
      {admin && person.active ? <EditPerson key={person.id} person={person} isMe={isMe} onSaved={refetch} /> : null}

      <ApiKeys person={person} admin={admin} onChanged={refetch} />
      {admin && person.active ? <NewKey person={person} onCreated={refetch} /> : null}
      <SsoIdentities person={person} admin={admin} onLinked={refetch} />
    </>
  );
}

/**
 * Name, email and roles. VIEWER, DATA_SCIENTIST and OPERATOR are granted here directly; VALIDATOR, RISK_OFFICER and
 * ADMIN can only be removed here (removing applies at once, to every key and sign-in): granting one is a request.
 */
function EditPerson({ person, isMe, onSaved }: { person: PersonRecord; isMe: boolean; onSaved: () => Promise<void> }) {
  const [displayName, setDisplayName] = useState(person.displayName);
  const [email, setEmail] = useState(person.email);
  const [roles, setRoles] = useState<Role[]>([...person.roles] as Role[]);
  const update = useMutation(UpdatePerson);
  const problems = FieldProblems.of(update.error);
  const offered = ROLES.filter((role) => !GOVERNED_ROLES.includes(role) || person.roles.includes(role));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await update.run({ id: person.id, input: { displayName: displayName.trim(), email: email.trim(), roles } });
    if (done) await onSaved();
  };

  return (
    <section className="card" aria-labelledby="edit-person-heading">
      <h2 id="edit-person-heading">Edit {person.displayName}</h2>
      <form onSubmit={submit} noValidate>
        <Field label="Name" problem={problems.for('displayName')}>
          {(props) => <input {...props} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />}
        </Field>
        <Field label="Email" hint="SSO sign-ins that link by email, and vendor owners, resolve to the person through it." problem={problems.for('email')}>
          {(props) => <input {...props} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <RoleChoice legend="Roles" offered={offered} chosen={roles} onChange={setRoles} problem={problems.for('roles')} />
        <p className="muted">
          Removing a role takes it from every key and sign-in of {person.displayName} at once. {isMe ? 'You cannot add roles to yourself. ' : ''}To add VALIDATOR,
          RISK_OFFICER or ADMIN, use the role grant above.
        </p>
        <ProblemList problems={problems} />
        <ErrorPanel error={update.error} title="The person was not saved" />
        <button type="submit" className="primary" disabled={update.running}>
          Save {person.displayName}
        </button>
        {update.data && !update.running ? (
          <p className="notice notice-good" role="status">
            Saved.
          </p>
        ) : null}
      </form>
    </section>
  );
}

function DeactivatePerson({ person, activeKeys, activeSso, onDone }: { person: PersonRecord; activeKeys: number; activeSso: number; onDone: () => Promise<void> }) {
  const deactivate = useMutation(Deactivate);
  return (
    <div>
      <h3>Deactivate</h3>
      <p>
        Deactivating revokes {activeKeys === 1 ? 'the one active API key' : `all ${activeKeys} active API keys`} and disables {activeSso === 1 ? 'the one SSO sign-in' : `all ${activeSso} SSO sign-ins`} of {person.displayName} at once.
        Their past decisions stay on record.
      </p>
      <ErrorPanel error={deactivate.error} title="The person was not deactivated" />
      <ConfirmAction
        label="Deactivate"
        confirmLabel="Deactivate and disable every sign-in"
        what={person.displayName}
        running={deactivate.running}
        onConfirm={async () => {
          const done = await deactivate.run({ id: person.id });
          if (done) await onDone();
          return done !== null;
        }}
      />
    </div>
  );
}

function RoleGrant({ person, isMe }: { person: PersonRecord; isMe: boolean }) {
  const grantable = GOVERNED_ROLES.filter((role) => !person.roles.includes(role));
  const [role, setRole] = useState<Role | ''>(grantable[0] ?? '');
  const [justification, setJustification] = useState('');
  const request = useMutation(RequestRoleGrant);
  const problems = FieldProblems.of(request.error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!role) return;
    const done = await request.run({ personId: person.id, role, justification: justification.trim() });
    if (done) setJustification('');
  };

  return (
    <section className="card" aria-labelledby="grant-heading">
      <h2 id="grant-heading">Grant an approver or admin role</h2>
      <p>VALIDATOR, RISK_OFFICER and ADMIN are controls: you ask, and a second administrator approves before the role applies.</p>
      {isMe ? <p className="notice">Nobody grants themselves a role: another administrator has to ask for you.</p> : null}
      {grantable.length === 0 ? (
        <p className="muted">{person.displayName} already holds every governed role.</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field label="Role to grant" problem={problems.for('role')}>
            {(props) => (
              <select {...props} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {grantable.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Why the role is needed" hint="The approving administrator and the audit trail see this." problem={problems.for('justification')}>
            {(props) => <textarea {...props} rows={2} value={justification} onChange={(e) => setJustification(e.target.value)} />}
          </Field>
          <ProblemList problems={problems} />
          <ErrorPanel error={request.error} title="The role grant was not requested" />
          <button type="submit" className="primary" disabled={request.running}>
            Request the role grant
          </button>
        </form>
      )}
      {request.data ? (
        <p className="notice notice-good" role="status">
          Requested: awaiting a second administrator. <Link to={`/control-requests/${encodeURIComponent(request.data.requestRoleGrant.id)}`}>Follow the request</Link>.
        </p>
      ) : null}
    </section>
  );
}

function ApiKeys({ person, admin, onChanged }: { person: PersonRecord; admin: boolean; onChanged: () => Promise<void> }) {
  const revoke = useMutation(RevokeKey);
  const keys = person.identities.apiKeys;
  return (
    <section aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      <ErrorPanel error={revoke.error} title="The key was not revoked" />
      {keys.length === 0 ? (
        <p className="muted">{person.displayName} has no API key.</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">API keys of {person.displayName}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">Starts with</th>
              <th scope="col">Roles</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              {admin ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <th scope="row">{key.name}</th>
                <td>
                  <code>{key.prefix}</code>
                </td>
                <td>{key.roles.join(', ')}</td>
                <td>
                  <When at={key.createdAt} />
                </td>
                <td>
                  <When at={key.lastUsedAt} empty="Never" />
                </td>
                <td>{key.active ? <Badge tone="good">Active</Badge> : key.revokedAt ? <Badge tone="bad">Revoked</Badge> : <Badge tone="warn">Expired</Badge>}</td>
                {admin ? (
                  <td>
                    {key.active ? (
                      <ConfirmAction
                        label="Revoke"
                        confirmLabel="Revoke now"
                        what={key.name}
                        running={revoke.running}
                        onConfirm={async () => {
                          const done = await revoke.run({ id: key.id });
                          if (done) await onChanged();
                          return done !== null;
                        }}
                      />
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NewKey({ person, onCreated }: { person: PersonRecord; onCreated: () => Promise<void> }) {
  const { me } = useViewer();
  // A key carries roles both its person and its creator hold (ROLE_NOT_HELD otherwise).
  const offered = ROLES.filter((role) => person.roles.includes(role) && me.roles.includes(role));
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [expires, setExpires] = useState('');
  const create = useMutation(CreateKey);
  const problems = FieldProblems.of(create.error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await create.run({ input: { personId: person.id, name: name.trim(), roles, expiresAt: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : null } });
    if (done) {
      setName('');
      setRoles([]);
      await onCreated();
    }
  };

  return (
    <section className="card" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">New key for {person.displayName}</h2>
      <p className="muted">The key acts as {person.displayName}; its label only says what it is for.</p>
      <form onSubmit={submit} noValidate>
        <Field label="What it is for" hint="e.g. “Power BI finance workspace”." problem={problems.for('name')}>
          {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <RoleChoice legend="Roles the key carries" offered={offered} chosen={roles} onChange={setRoles} problem={problems.for('roles')} />
        {offered.length < person.roles.length ? (
          <p className="field-hint">
            A key carries only roles that both {person.displayName} and you hold; {person.roles.filter((r) => !offered.includes(r)).join(', ')} {person.roles.length - offered.length === 1 ? 'is' : 'are'} not
            yours to give. {person.displayName} can create such keys for themselves, or an administrator holding the role can.
          </p>
        ) : null}
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
          <p>Key “{create.data.createApiKey.apiKey.name}” created. Copy it now: it is shown only this once.</p>
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

function SsoIdentities({ person, admin, onLinked }: { person: PersonRecord; admin: boolean; onLinked: () => Promise<void> }) {
  const [issuer, setIssuer] = useState('');
  const [subject, setSubject] = useState('');
  const link = useMutation(LinkIdentity);
  const problems = FieldProblems.of(link.error);
  const links = person.identities.sso;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await link.run({ input: { personId: person.id, issuer: issuer.trim(), subject: subject.trim() } });
    if (done) {
      setSubject('');
      await onLinked();
    }
  };

  return (
    <section aria-labelledby="sso-heading">
      <h2 id="sso-heading">SSO sign-ins</h2>
      {links.length === 0 ? (
        <p className="muted">No SSO sign-in is linked to {person.displayName}.</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">SSO sign-ins of {person.displayName}</caption>
          <thead>
            <tr>
              <th scope="col">Issuer</th>
              <th scope="col">Subject</th>
              <th scope="col">Linked</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {links.map((sso) => (
              <tr key={`${sso.issuer} ${sso.subject}`}>
                <td>{sso.issuer}</td>
                <th scope="row">
                  <code>{sso.subject}</code>
                </th>
                <td>
                  <When at={sso.createdAt} /> <span className="muted">{sso.linkedBy === 'email' ? 'by verified email' : sso.linkedBy ? `by ${sso.linkedBy}` : ''}</span>
                </td>
                <td>{sso.active ? <Badge tone="good">Active</Badge> : <Badge tone="bad">Disabled</Badge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin && person.active ? (
        <form className="card" onSubmit={submit} noValidate aria-labelledby="link-heading">
          <h3 id="link-heading">Link an SSO sign-in</h3>
          <p className="muted">A refused first sign-in names its subject; link it here so that sign-in is {person.displayName}.</p>
          <Field label="Issuer" hint="The token’s iss, as OIDC_ISSUER." problem={problems.for('issuer')}>
            {(props) => <input {...props} value={issuer} onChange={(e) => setIssuer(e.target.value)} />}
          </Field>
          <Field label="Subject" hint="The token’s sub." problem={problems.for('subject')}>
            {(props) => <input {...props} value={subject} onChange={(e) => setSubject(e.target.value)} />}
          </Field>
          <ProblemList problems={problems} />
          <ErrorPanel error={link.error} title="The sign-in was not linked" />
          <button type="submit" className="primary" disabled={link.running}>
            Link the sign-in
          </button>
        </form>
      ) : null}
    </section>
  );
}
