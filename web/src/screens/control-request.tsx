import { useState } from 'react';
import { graphql, type ResultOf } from '../api/graphql.ts';
import { useMutation, useQuery } from '../api/use-query.ts';
import { useViewer } from '../auth/viewer.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { Person } from '../components/person.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { Badge, Field, Loading, When, humanize } from '../components/ui.tsx';
import { WithdrawRequest } from '../components/withdraw-request.tsx';
import { Link } from '../routing/router.tsx';
import { CONTROL_KIND_LABELS, awaitingWhom, describeControl, useGrantees } from './control-requests.tsx';
import { stateTone } from './labels.ts';

const ControlRequestQuery = graphql(`
  query ControlRequestDetail($id: ID!) {
    controlRequest(id: $id) {
      id kind targetKey proposed before requesterId requesterName requesterRoles justification approverRole
      status statusReason deciderId deciderName decisionComment createdAt expiresAt decidedAt
      model { id name riskTier accountableOwner versions { id } }
    }
  }
`);

const Decide = graphql(`
  mutation DecideControlRequest($id: ID!, $decision: Decision!, $comment: String) {
    decideControlRequest(id: $id, decision: $decision, comment: $comment) { id status }
  }
`);

const Cancel = graphql(`
  mutation CancelControlRequest($id: ID!) {
    cancelControlRequest(id: $id) { id status }
  }
`);

type Request = NonNullable<ResultOf<typeof ControlRequestQuery>['controlRequest']>;

/** One change to the controls: what it changes, from what to what, who asked and why; the second person decides here. */
export function ControlRequestScreen({ id }: { id: string }) {
  const result = useQuery(ControlRequestQuery, { id });
  if (result.error && !result.data) return <ErrorPanel error={result.error} title="Control request unavailable" />;
  if (!result.data) return <Loading what="Loading the request" />;
  const request = result.data.controlRequest;
  if (!request) {
    return (
      <>
        <ScreenTitle>Control request not found</ScreenTitle>
        <p>The hub has no control request with this id.</p>
      </>
    );
  }
  return <ControlRequestDetail request={request} refetch={result.refetch} />;
}

function ControlRequestDetail({ request, refetch }: { request: Request; refetch: () => Promise<void> }) {
  const { me } = useViewer();
  const grantees = useGrantees([request]);
  const pending = request.status === 'PENDING';
  const isRequester = request.requesterId === me.id;
  const mayDecide = me.roles.includes(request.approverRole);
  const firstVersion = request.model?.versions[0];
  return (
    <>
      <ScreenTitle>{`${CONTROL_KIND_LABELS[request.kind] ?? humanize(request.kind)}: ${describeControl(request, grantees)}`}</ScreenTitle>
      <p className="summary-line">
        <Badge tone={stateTone(request.status)}>{humanize(request.status)}</Badge>
        {pending ? <span data-testid="awaiting"> {awaitingWhom(request.approverRole)}</span> : null}
        {request.model && firstVersion ? (
          <>
            {' '}
            · <Link to={`/versions/${encodeURIComponent(firstVersion.id)}`}>{request.model.name}</Link>
          </>
        ) : null}
      </p>
      {request.statusReason ? <p className="notice">{request.statusReason}</p> : null}
      <div className="columns">
        <section className="card" aria-labelledby="control-heading">
          <h2 id="control-heading">The request</h2>
          <dl className="key-values">
            <div>
              <dt>Requested by</dt>
              <dd>
                {request.requesterName ? <span>{request.requesterName} </span> : null}
                <Person id={request.requesterId} /> <span className="muted">({request.requesterRoles.join(', ')})</span>
              </dd>
            </div>
            <div>
              <dt>Decided by</dt>
              <dd>A {request.approverRole} other than the requester</dd>
            </div>
            <div>
              <dt>Opened</dt>
              <dd>
                <When at={request.createdAt} />
              </dd>
            </div>
            <div>
              <dt>{pending ? 'Expires' : 'Closed'}</dt>
              <dd>
                <When at={pending ? request.expiresAt : request.decidedAt} />
              </dd>
            </div>
          </dl>
          <h3>Justification</h3>
          <p className="justification">{request.justification}</p>
        </section>
        <section className="card" aria-labelledby="change-heading">
          <h2 id="change-heading">Before and after</h2>
          <p>If the value moves before the decision, the request is superseded rather than applied.</p>
          <dl className="key-values">
            <div>
              <dt>Now</dt>
              <dd>
                <code className="json-inline">{JSON.stringify(request.before)}</code>
              </dd>
            </div>
            <div>
              <dt>Asked for</dt>
              <dd>
                <code className="json-inline">{JSON.stringify(request.proposed)}</code>
              </dd>
            </div>
          </dl>
          {request.deciderId ? (
            <p>
              {request.status === 'APPLIED' ? 'Approved' : humanize(request.status)} by {request.deciderName ?? <Person id={request.deciderId} />}
              {request.decisionComment ? (
                <>
                  : <q className="comment">{request.decisionComment}</q>
                </>
              ) : null}
            </p>
          ) : null}
        </section>
      </div>
      {pending && mayDecide ? <DecisionForm request={request} isRequester={isRequester} onDecided={refetch} /> : null}
      {pending && !mayDecide ? <p className="muted">Deciding on this request needs the {request.approverRole} role (and not being its requester).</p> : null}
      {pending && (isRequester || me.roles.includes('ADMIN')) ? <WithdrawRequest cancel={Cancel} id={request.id} onCancelled={refetch} /> : null}
    </>
  );
}

function DecisionForm({ request, isRequester, onDecided }: { request: Request; isRequester: boolean; onDecided: () => Promise<void> }) {
  const [comment, setComment] = useState('');
  const [commentProblem, setCommentProblem] = useState<string | null>(null);
  const decide = useMutation(Decide);

  const run = async (decision: 'APPROVE' | 'REJECT') => {
    setCommentProblem(null);
    decide.reset();
    if (decision === 'REJECT' && !comment.trim()) {
      setCommentProblem('Say why you reject it: the requester and the audit trail need the reason.');
      return;
    }
    const done = await decide.run({ id: request.id, decision, comment: comment.trim() || null });
    if (done) {
      setComment('');
      await onDecided();
    }
  };

  return (
    <section className="card decision" aria-labelledby="decision-heading">
      <h2 id="decision-heading">Your decision</h2>
      {isRequester ? <p className="notice">You opened this request. Four eyes means someone else has to decide on it.</p> : null}
      <form onSubmit={(e) => e.preventDefault()} noValidate>
        <Field label="Comment" hint="Optional when approving; required when rejecting." problem={commentProblem}>
          {(props) => <textarea {...props} rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />}
        </Field>
        <ErrorPanel error={decide.error} title="Your decision was refused" />
        <div className="form-actions">
          <button type="button" className="primary" disabled={decide.running} onClick={() => void run('APPROVE')}>
            Approve
          </button>
          <button type="button" className="danger" disabled={decide.running} onClick={() => void run('REJECT')}>
            Reject
          </button>
        </div>
      </form>
    </section>
  );
}
