import { graphql } from '../api/graphql.ts';
import { useQuery } from '../api/use-query.ts';
import { ErrorPanel } from '../components/error-panel.tsx';
import { Person } from '../components/person.tsx';
import { Pager, useForwardPaging } from '../components/pager.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { Loading, When, humanize } from '../components/ui.tsx';
import { Link } from '../routing/router.tsx';
import { useViewer } from '../auth/viewer.tsx';
import { ControlsAwaitingMe } from './control-requests.tsx';

const AwaitingMeQuery = graphql(`
  query RequestsAwaitingMe($first: Int, $after: String) {
    changeRequests(filter: { eligibleForMe: true }, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id fromState toState requesterId createdAt expiresAt justification
        policy { requirements { role count } }
        slots { role approval { id } }
        version { id version vendor model { name riskTier } }
      }
    }
  }
`);

/**
 * "Awaiting me": lifecycle requests with a slot the signed-in person could fill (validators and risk officers; the
 * server decides eligibility), and control requests they may decide (risk officers and administrators).
 */
export function Approvals() {
  const { may } = useViewer();
  return (
    <>
      <ScreenTitle>Approvals awaiting me</ScreenTitle>
      {may('decideOnRequests') ? <LifecycleAwaitingMe /> : null}
      {may('decideOnControls') ? <ControlsAwaitingMe /> : null}
    </>
  );
}

function LifecycleAwaitingMe() {
  const paging = useForwardPaging(25, 'awaiting');
  const result = useQuery(AwaitingMeQuery, paging.variables);
  return (
    <>
      <p className="lead">Requests with an approval slot you could fill. Requests you opened never appear here.</p>
      {result.error ? <ErrorPanel error={result.error} /> : null}
      {!result.data ? (
        <Loading />
      ) : result.data.changeRequests.nodes.length === 0 ? (
        <p className="empty" role="status">
          Nothing is waiting for your decision.
        </p>
      ) : (
        <>
          <table className="data-table">
            <caption className="visually-hidden">Change requests awaiting your decision</caption>
            <thead>
              <tr>
                <th scope="col">Model and version</th>
                <th scope="col">Change</th>
                <th scope="col">Risk tier</th>
                <th scope="col">Approvals</th>
                <th scope="col">Requested by</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {result.data.changeRequests.nodes.map((r) => {
                const filled = r.slots.filter((s) => s.approval).length;
                return (
                  <tr key={r.id}>
                    <th scope="row">
                      <Link to={`/change-requests/${encodeURIComponent(r.id)}`}>
                        {r.version?.model?.name ?? 'Unknown model'} · {r.version?.version ?? '?'}
                      </Link>
                    </th>
                    <td>
                      {humanize(r.fromState)} → {humanize(r.toState)}
                    </td>
                    <td>{r.version?.model?.riskTier ? humanize(r.version.model.riskTier) : 'Unclassified'}</td>
                    <td>
                      {filled} of {r.slots.length} ({r.policy.requirements.map((q) => `${q.count} ${q.role}`).join(' + ')})
                    </td>
                    <td>
                      <Person id={r.requesterId} />
                    </td>
                    <td>
                      <When at={r.expiresAt} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Pager paging={paging} connection={result.data.changeRequests} label="requests" loading={result.loading} />
        </>
      )}
    </>
  );
}
