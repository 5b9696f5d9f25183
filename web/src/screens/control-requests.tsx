import { graphql } from '../api/graphql.ts';
import { useQuery } from '../api/use-query.ts';
import { useViewer } from '../auth/viewer.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { Person } from '../components/person.tsx';
import { Pager, useForwardPaging } from '../components/pager.tsx';
import { Loading, When, humanize } from '../components/ui.tsx';
import { Link } from '../routing/router.tsx';

const PendingControlsQuery = graphql(`
  query PendingControlRequests($first: Int, $after: String) {
    controlRequests(filter: { status: [PENDING] }, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id kind targetKey proposed before requesterId requesterName approverRole expiresAt
        model { id name }
      }
    }
  }
`);

const PeopleByIdQuery = graphql(`
  query PeopleById($ids: [ID!]!) {
    nodes(ids: $ids) { __typename ... on Person { id email displayName } }
  }
`);

/** What describing a control request needs (both the list and the detail query select these). */
export interface ControlRequestView {
  kind: string;
  targetKey: string;
  proposed: Record<string, unknown>;
  before: Record<string, unknown>;
  model?: { name: string } | null;
}

export const CONTROL_KIND_LABELS: Record<string, string> = {
  POLICY_CHANGE: 'Policy change',
  RISK_TIER_CHANGE: 'Risk tier change',
  OWNER_CHANGE: 'Accountable owner change',
  ROLE_GRANT: 'Role grant',
};

/** Who decides a control: a second risk officer for policies, tiers and owners; a second administrator for roles. */
export function awaitingWhom(approverRole: string): string {
  return approverRole === 'ADMIN' ? 'awaiting a second administrator' : 'awaiting a second risk officer';
}

/**
 * The API names a role grant's person by row id inside `proposed`; the Person node id is built from it the way the
 * hub builds every global id (base64url of `Person:<id>`), so approvers see a name, not a uuid.
 */
export function personNodeId(rowId: string): string {
  return btoa(`Person:${rowId}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export type PersonNames = Map<string, { displayName: string; email: string }>;

/** Names and emails of the persons that role grants in `requests` are about (one query for the page). */
export function useGrantees(requests: readonly ControlRequestView[]): PersonNames {
  const ids = [...new Set(requests.filter((r) => r.kind === 'ROLE_GRANT').map((r) => personNodeId(String(r.proposed.personId ?? ''))))];
  const result = useQuery(PeopleByIdQuery, { ids }, { skip: ids.length === 0 });
  const names: PersonNames = new Map();
  for (const node of result.data?.nodes ?? []) if (node && node.__typename === 'Person') names.set(node.id, { displayName: node.displayName, email: node.email });
  return names;
}

/** What the request changes, in a sentence. */
export function describeControl(request: ControlRequestView, grantees: PersonNames): string {
  const { proposed, before } = request;
  switch (request.kind) {
    case 'ROLE_GRANT': {
      const person = grantees.get(personNodeId(String(proposed.personId ?? '')));
      return `Grant ${String(proposed.role)} to ${person ? `${person.displayName} (${person.email})` : 'a person'}`;
    }
    case 'RISK_TIER_CHANGE':
      return `${request.model?.name ?? 'Model'}: risk tier ${humanize((before.riskTier as string | null) ?? 'UNCLASSIFIED')} → ${humanize((proposed.riskTier as string | null) ?? 'UNCLASSIFIED')}`;
    case 'OWNER_CHANGE':
      return `${request.model?.name ?? 'Model'}: accountable owner ${(before.accountableOwner as string | null) ?? 'none'} → ${(proposed.accountableOwner as string | null) ?? 'none'}`;
    case 'POLICY_CHANGE': {
      const requirements = (proposed.requirements as Array<{ role: string; count: number }> | undefined) ?? [];
      const tier = proposed.riskTier ? `${humanize(String(proposed.riskTier))} risk` : 'every tier';
      return `Policy into ${humanize(String(proposed.toState))} for ${tier}: ${requirements.map((r) => `${r.count} ${r.role}`).join(' + ')}`;
    }
    default:
      return `${humanize(request.kind)} of ${request.targetKey}`;
  }
}

/**
 * Pending control requests the signed-in person may decide: those whose approver role they hold and that they did
 * not open through this credential (the server also refuses any other credential of the requester: SELF_APPROVAL).
 */
export function ControlsAwaitingMe() {
  const { me } = useViewer();
  const paging = useForwardPaging(25, 'controls');
  const result = useQuery(PendingControlsQuery, paging.variables);
  const nodes = result.data?.controlRequests.nodes ?? [];
  const mine = nodes.filter((r) => me.roles.includes(r.approverRole) && r.requesterId !== me.id);
  const grantees = useGrantees(mine);
  return (
    <section aria-labelledby="controls-heading">
      <h2 id="controls-heading">Control requests awaiting me</h2>
      <p className="muted">Changes to the controls themselves: policies, lowered risk tiers and owners (a second risk officer decides) and approver or admin role grants (a second administrator decides).</p>
      <ErrorPanel error={result.error} />
      {!result.data ? (
        <Loading />
      ) : mine.length === 0 ? (
        <p className="empty" role="status">
          No control request is waiting for your decision.
        </p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">Control requests awaiting your decision</caption>
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Kind</th>
              <th scope="col">Decided by</th>
              <th scope="col">Requested by</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {mine.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <Link to={`/control-requests/${encodeURIComponent(r.id)}`}>{describeControl(r, grantees)}</Link>
                </th>
                <td>{CONTROL_KIND_LABELS[r.kind] ?? humanize(r.kind)}</td>
                <td>a {r.approverRole} other than the requester</td>
                <td>
                  {r.requesterName ?? <Person id={r.requesterId} />}
                </td>
                <td>
                  <When at={r.expiresAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.data && result.data.controlRequests.pageInfo.hasNextPage ? <Pager paging={paging} connection={result.data.controlRequests} label="control requests" loading={result.loading} /> : null}
    </section>
  );
}
