import { useEffect, useState } from 'react';
import { graphql, type ResultOf } from '../api/graphql.ts';
import { useMutation, useQuery } from '../api/use-query.ts';
import { useViewer } from '../auth/viewer.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { Person } from '../components/person.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { Badge, ExternalLink, Field, Loading, When, humanize } from '../components/ui.tsx';
import { WithdrawRequest } from '../components/withdraw-request.tsx';
import { Link } from '../routing/router.tsx';
import { VENDOR_LABELS, stateTone } from './labels.ts';

const ChangeRequestQuery = graphql(`
  query ChangeRequestDetail($id: ID!) {
    changeRequest(id: $id) {
      id fromState toState status statusReason requesterId requesterRoles justification createdAt expiresAt decidedAt
      writeBackStatus writeBackAttempts writeBackMessage writeBackAt
      evidence { title url }
      policy { revision riskTier modelRiskTier requirements { role count } }
      slots { role index approval { id decision approverId approverRoles comment createdAt } }
      version { id version vendor deepLink lifecycleState model { id name riskTier businessUnit accountableOwner } }
      replacesVersion { id version }
    }
  }
`);

const Approve = graphql(`
  mutation ApproveChangeRequest($id: ID!, $comment: String) {
    approveChangeRequest(id: $id, comment: $comment) { id status }
  }
`);

const Reject = graphql(`
  mutation RejectChangeRequest($id: ID!, $comment: String!) {
    rejectChangeRequest(id: $id, comment: $comment) { id status }
  }
`);

const Cancel = graphql(`
  mutation CancelChangeRequest($id: ID!) {
    cancelChangeRequest(id: $id) { id status }
  }
`);

type Request = NonNullable<ResultOf<typeof ChangeRequestQuery>['changeRequest']>;

export function ChangeRequestScreen({ id }: { id: string }) {
  // An applied change is delivered to the vendor by a job: follow it until it is done, failed or unsupported.
  const [watchWriteBack, setWatchWriteBack] = useState(false);
  const result = useQuery(ChangeRequestQuery, { id }, { pollMs: watchWriteBack ? 2000 : undefined });
  const request = result.data?.changeRequest ?? null;
  const writeBackPending = request?.status === 'APPLIED' && (request.writeBackStatus === 'PENDING' || request.writeBackStatus === null);
  useEffect(() => setWatchWriteBack(writeBackPending), [writeBackPending]);
  if (result.error && !result.data) return <ErrorPanel error={result.error} title="Change request unavailable" />;
  if (!result.data) return <Loading what="Loading the request" />;
  if (!request) {
    return (
      <>
        <ScreenTitle>Change request not found</ScreenTitle>
        <p>The hub has no change request with this id.</p>
      </>
    );
  }
  return <RequestDetail request={request} refetch={result.refetch} />;
}

function RequestDetail({ request, refetch }: { request: Request; refetch: () => Promise<void> }) {
  const { me, may } = useViewer();
  const model = request.version?.model;
  const pending = request.status === 'PENDING';
  return (
    <>
      <ScreenTitle>{`Change request: ${model?.name ?? 'unknown model'} to ${humanize(request.toState)}`}</ScreenTitle>
      <p className="summary-line">
        <Badge tone={stateTone(request.status)}>{humanize(request.status)}</Badge>{' '}
        {request.version ? (
          <Link to={`/versions/${encodeURIComponent(request.version.id)}`}>
            {model?.name} · version {request.version.version}
          </Link>
        ) : (
          'version gone'
        )}{' '}
        · {humanize(request.fromState)} → {humanize(request.toState)}
        {request.version ? ` · ${VENDOR_LABELS[request.version.vendor]}` : ''}
      </p>
      {request.statusReason ? <p className="notice">{request.statusReason}</p> : null}

      <div className="columns">
        <section className="card" aria-labelledby="request-heading">
          <h2 id="request-heading">The request</h2>
          <dl className="key-values">
            <div>
              <dt>Requested by</dt>
              <dd>
                <Person id={request.requesterId} /> <span className="muted">({request.requesterRoles.join(', ')})</span>
              </dd>
            </div>
            <div>
              <dt>Opened</dt>
              <dd>
                <When at={request.createdAt} />
              </dd>
            </div>
            <div>
              <dt>{pending ? 'Expires' : 'Decided'}</dt>
              <dd>
                <When at={pending ? request.expiresAt : request.decidedAt} />
              </dd>
            </div>
            {request.replacesVersion ? (
              <div>
                <dt>Replaces</dt>
                <dd>Version {request.replacesVersion.version} (retired in the same change)</dd>
              </div>
            ) : null}
          </dl>
          <h3>Justification</h3>
          <p className="justification">{request.justification}</p>
          <h3>Evidence</h3>
          {request.evidence.length === 0 ? (
            <p className="muted">No evidence links.</p>
          ) : (
            <ul>
              {request.evidence.map((e) => (
                <li key={e.url}>
                  <ExternalLink href={e.url}>{e.title}</ExternalLink>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="card" aria-labelledby="policy-heading">
          <h2 id="policy-heading">Policy and approvals</h2>
          <p>
            Opened under policy revision {request.policy.revision} for {request.policy.riskTier ? `${humanize(request.policy.riskTier)} risk` : 'every risk tier'} (the model was{' '}
            {request.policy.modelRiskTier ? humanize(request.policy.modelRiskTier) : 'unclassified'} then). It needs{' '}
            {request.policy.requirements.map((r) => `${r.count} ${r.role}`).join(' and ')}.
          </p>
          <ol className="slots">
            {request.slots.map((slot) => (
              <li key={`${slot.role}-${slot.index}`} className={slot.approval ? 'slot slot-filled' : 'slot'}>
                <strong>
                  {slot.role} {slot.index + 1}
                </strong>
                :{' '}
                {slot.approval ? (
                  <>
                    <Badge tone={slot.approval.decision === 'APPROVE' ? 'good' : 'bad'}>{slot.approval.decision === 'APPROVE' ? 'Approved' : 'Rejected'}</Badge> by <Person id={slot.approval.approverId} /> <When at={slot.approval.createdAt} />
                    {slot.approval.comment ? <q className="comment">{slot.approval.comment}</q> : null}
                  </>
                ) : (
                  <span className="muted">open</span>
                )}
              </li>
            ))}
          </ol>
          {request.status === 'APPLIED' ? <WriteBack request={request} /> : null}
        </section>
      </div>

      {pending && may('decideOnRequests') ? <DecisionForm request={request} isRequester={request.requesterId === me.id} onDecided={refetch} /> : null}
      {pending && (request.requesterId === me.id || me.roles.includes('ADMIN')) ? <WithdrawRequest cancel={Cancel} id={request.id} onCancelled={refetch} /> : null}
      {pending && !may('decideOnRequests') && request.requesterId !== me.id ? <p className="muted">Deciding on requests needs the VALIDATOR or RISK_OFFICER role.</p> : null}
    </>
  );
}

function WriteBack({ request }: { request: Request }) {
  return (
    <div className="write-back" aria-live="polite">
      <h3>Write-back to the vendor</h3>
      <p>
        <Badge tone={stateTone(request.writeBackStatus ?? 'PENDING')}>{humanize(request.writeBackStatus ?? 'PENDING')}</Badge> after {request.writeBackAttempts} attempt
        {request.writeBackAttempts === 1 ? '' : 's'}
        {request.writeBackAt ? (
          <>
            {' '}
            (<When at={request.writeBackAt} />)
          </>
        ) : null}
      </p>
      {request.writeBackMessage ? <p className="muted">{request.writeBackMessage}</p> : null}
    </div>
  );
}

function DecisionForm({ request, isRequester, onDecided }: { request: Request; isRequester: boolean; onDecided: () => Promise<void> }) {
  const [comment, setComment] = useState('');
  const [commentProblem, setCommentProblem] = useState<string | null>(null);
  const approve = useMutation(Approve);
  const reject = useMutation(Reject);
  const error = approve.error ?? reject.error;
  const running = approve.running || reject.running;

  const decide = async (decision: 'approve' | 'reject') => {
    setCommentProblem(null);
    approve.reset();
    reject.reset();
    if (decision === 'reject' && !comment.trim()) {
      setCommentProblem('Say why you reject it: the requester and the audit trail need the reason.');
      return;
    }
    const done = decision === 'approve' ? await approve.run({ id: request.id, comment: comment.trim() || null }) : await reject.run({ id: request.id, comment: comment.trim() });
    if (done) {
      setComment('');
      await onDecided();
    }
  };

  return (
    <section className="card decision" aria-labelledby="decision-heading">
      <h2 id="decision-heading">Your decision</h2>
      {isRequester ? <p className="notice">You opened this request. Segregation of duties means someone else has to decide on it.</p> : null}
      <form onSubmit={(e) => e.preventDefault()} noValidate>
        <Field label="Comment" hint="Optional when approving; required when rejecting." problem={commentProblem}>
          {(props) => <textarea {...props} rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />}
        </Field>
        <ErrorPanel error={error} title="Your decision was refused" />
        <div className="form-actions">
          <button type="button" className="primary" disabled={running} onClick={() => void decide('approve')}>
            Approve
          </button>
          <button type="button" className="danger" disabled={running} onClick={() => void decide('reject')}>
            Reject
          </button>
        </div>
      </form>
    </section>
  );
}
