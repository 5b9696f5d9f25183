import { useState } from 'react';
import { graphql, type ResultOf, type VariablesOf } from '../api/graphql.ts';
import { useMutation, useQuery } from '../api/use-query.ts';
import { ErrorPanel } from '../components/error-panel.tsx';
import { Pager, useForwardPaging } from '../components/pager.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { Badge, Field, Loading, When } from '../components/ui.tsx';
import { setSearch, useLocation } from '../routing/router.tsx';

const AuditQuery = graphql(`
  query AuditTrail($first: Int, $after: String, $filter: AuditEventFilter) {
    auditEvents(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { seq at actorId actorRoles action entityKind entityId before after requestId hash }
    }
  }
`);

// A query, not a mutation: recomputing the hashes reads the whole chain but changes nothing.
const VerifyChain = graphql(`
  query VerifyAuditChain {
    verifyAuditChain { valid firstBrokenSeq checked lastAnchoredSeq signaturesChecked problems { kind sequence message } problemsOmitted }
  }
`);

type Filter = NonNullable<VariablesOf<typeof AuditQuery>['filter']>;

export function Audit() {
  const { search } = useLocation();
  const entityKind = search.get('entityKind') ?? '';
  const actorId = search.get('actor') ?? '';
  const action = search.get('action') ?? '';
  const filter: Filter = { ...(entityKind ? { entityKind } : {}), ...(actorId ? { actorId } : {}), ...(action ? { actions: [action] } : {}) };
  const paging = useForwardPaging(50, JSON.stringify(filter));
  const result = useQuery(AuditQuery, { ...paging.variables, filter });
  const verify = useMutation(VerifyChain);
  const [open, setOpen] = useState<number | null>(null);
  return (
    <>
      <ScreenTitle>Audit trail</ScreenTitle>
      <section className="card" aria-labelledby="verify-heading">
        <h2 id="verify-heading">Integrity</h2>
        <p>
          Every event carries the hash of the one before it, and the hub signs checkpoints of the chain that are copied outside the database: recomputing the
          hashes and comparing them with the checkpoints proves nobody edited, removed, truncated or re-hashed an event.
        </p>
        <button type="button" disabled={verify.running} onClick={() => void verify.run({})}>
          {verify.running ? 'Verifying…' : 'Verify the chain'}
        </button>
        <ErrorPanel error={verify.error} />
        {verify.data ? <ChainVerdict result={verify.data.verifyAuditChain} /> : null}
      </section>
      <form className="filters" aria-label="Filter the audit trail" onSubmit={(e) => e.preventDefault()}>
        <Field label="Kind of record">
          {(props) => (
            <select {...props} value={entityKind} onChange={(e) => setSearch({ entityKind: e.target.value || null })}>
              <option value="">Any</option>
              {['change_request', 'model', 'model_version', 'policy', 'finding', 'source', 'api_key', 'evidence_pack'].map((kind) => (
                <option key={kind} value={kind}>
                  {kind.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Actor" hint="A principal id, e.g. key:… or an SSO subject.">
          {(props) => <input {...props} defaultValue={actorId} onBlur={(e) => setSearch({ actor: e.target.value.trim() || null })} />}
        </Field>
        <Field label="Action" hint="Exact, or a prefix ending with a dot (change_request.).">
          {(props) => <input {...props} defaultValue={action} onBlur={(e) => setSearch({ action: e.target.value.trim() || null })} />}
        </Field>
      </form>
      <ErrorPanel error={result.error} />
      {!result.data ? (
        <Loading />
      ) : (
        <>
          <table className="data-table">
            <caption className="visually-hidden">Audit events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Record</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {result.data.auditEvents.nodes.map((event) => (
                <tr key={event.seq}>
                  <th scope="row">{event.seq}</th>
                  <td>
                    <When at={event.at} />
                  </td>
                  <td>
                    {event.actorId} <span className="muted">({event.actorRoles.join(', ') || 'no roles'})</span>
                  </td>
                  <td>
                    <Badge>{event.action}</Badge>
                  </td>
                  <td>
                    {event.entityKind.replace(/_/g, ' ')} <code className="id">{event.entityId}</code>
                  </td>
                  <td>
                    <button type="button" className="link-button" aria-expanded={open === event.seq} onClick={() => setOpen(open === event.seq ? null : event.seq)}>
                      {open === event.seq ? 'Hide' : 'Show'}
                      <span className="visually-hidden"> the change of event {event.seq}</span>
                    </button>
                    {open === event.seq ? (
                      <div className="audit-change">
                        <p>Before</p>
                        <pre className="json-block">{JSON.stringify(event.before, null, 2)}</pre>
                        <p>After</p>
                        <pre className="json-block">{JSON.stringify(event.after, null, 2)}</pre>
                        <p className="muted">
                          Hash <code className="id">{event.hash}</code>
                        </p>
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager paging={paging} connection={result.data.auditEvents} label="events" loading={result.loading} />
        </>
      )}
    </>
  );
}

type Verification = ResultOf<typeof VerifyChain>['verifyAuditChain'];

function ChainVerdict({ result }: { result: Verification }) {
  const anchored = result.lastAnchoredSeq !== null ? ` Anchored by a signed checkpoint through event ${result.lastAnchoredSeq}.` : '';
  const unsigned = result.signaturesChecked ? '' : ' No signing key is configured, so truncation and re-hashing cannot be detected.';
  return (
    <div role="status" className={result.valid ? 'notice notice-good' : 'notice notice-bad'} data-testid="chain-verdict">
      <p>
        {result.valid
          ? `The chain is intact: ${result.checked.toLocaleString()} events verified.${anchored}${unsigned}`
          : result.firstBrokenSeq !== null
            ? `The chain is broken at event ${result.firstBrokenSeq}; ${result.checked.toLocaleString()} events before it verified.`
            : 'The chain could not be verified against its checkpoints.'}
      </p>
      {result.problems.length > 0 ? (
        <ul>
          {result.problems.map((problem, index) => (
            <li key={index}>
              <strong>{problem.kind}</strong> {problem.message}
            </li>
          ))}
          {result.problemsOmitted > 0 ? <li>… and {result.problemsOmitted} more</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
