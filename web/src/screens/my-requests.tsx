import { graphql } from '../api/graphql.ts';
import { useMutation, useQuery } from '../api/use-query.ts';
import { useViewer } from '../auth/viewer.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { Pager, useForwardPaging } from '../components/pager.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { Badge, Loading, When, humanize } from '../components/ui.tsx';
import { Link } from '../routing/router.tsx';
import { stateTone } from './labels.ts';

const MyRequestsQuery = graphql(`
  query MyRequests($filter: ChangeRequestFilter!, $first: Int, $after: String) {
    changeRequests(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id fromState toState status statusReason createdAt expiresAt writeBackStatus
        slots { approval { id } }
        version { id version model { name } }
      }
    }
  }
`);

const CancelMine = graphql(`
  mutation CancelMyRequest($id: ID!) {
    cancelChangeRequest(id: $id) { id status }
  }
`);

export function MyRequests() {
  const { me } = useViewer();
  const paging = useForwardPaging(25, me.id);
  // A person's requests through every key and sign-in they hold; a credential without a person, its own.
  const filter = me.person ? { requesterPersonId: me.person.id } : { requesterId: me.id };
  const result = useQuery(MyRequestsQuery, { filter, ...paging.variables });
  const cancel = useMutation(CancelMine);
  return (
    <>
      <ScreenTitle>My requests</ScreenTitle>
      <p className="lead">
        To ask for a lifecycle change, open a version from the <Link to="/inventory?view=versions">inventory</Link> and use “Change its state”.
      </p>
      <ErrorPanel error={result.error ?? cancel.error} />
      {!result.data ? (
        <Loading />
      ) : result.data.changeRequests.nodes.length === 0 ? (
        <p className="empty">You have not requested any change yet.</p>
      ) : (
        <>
          <table className="data-table">
            <caption className="visually-hidden">Change requests you opened</caption>
            <thead>
              <tr>
                <th scope="col">Model and version</th>
                <th scope="col">Change</th>
                <th scope="col">Status</th>
                <th scope="col">Approvals</th>
                <th scope="col">Opened</th>
                <th scope="col">Write-back</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {result.data.changeRequests.nodes.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <Link to={`/change-requests/${encodeURIComponent(r.id)}`}>
                      {r.version?.model?.name ?? 'Unknown model'} · {r.version?.version ?? '?'}
                    </Link>
                  </th>
                  <td>
                    {humanize(r.fromState)} → {humanize(r.toState)}
                  </td>
                  <td>
                    <Badge tone={stateTone(r.status)}>{humanize(r.status)}</Badge>
                  </td>
                  <td>
                    {r.slots.filter((s) => s.approval).length} of {r.slots.length}
                  </td>
                  <td>
                    <When at={r.createdAt} />
                  </td>
                  <td>{r.writeBackStatus ? humanize(r.writeBackStatus) : '—'}</td>
                  <td>
                    {r.status === 'PENDING' ? (
                      <button
                        type="button"
                        disabled={cancel.running}
                        onClick={async () => {
                          if (await cancel.run({ id: r.id })) await result.refetch();
                        }}
                      >
                        Cancel<span className="visually-hidden"> the request for {r.version?.model?.name}</span>
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager paging={paging} connection={result.data.changeRequests} label="requests" loading={result.loading} />
        </>
      )}
    </>
  );
}
