import { graphql, type VariablesOf } from '../api/graphql.ts';
import { useQuery } from '../api/use-query.ts';
import { ErrorPanel } from '../components/error-panel.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { PAGING_RESET, Pager, usePaging } from '../components/pager.tsx';
import { Badge, Field, Loading, When, humanize } from '../components/ui.tsx';
import { Link, setSearch, useLocation } from '../routing/router.tsx';

const FindingsQuery = graphql(`
  query FindingsList($first: Int, $after: String, $last: Int, $before: String, $filter: FindingFilter) {
    findings(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      nodes { id kind entityKind entityId message openedAt resolvedAt source { id name } }
    }
    kinds: inventoryStats(groupBy: [FINDING_KIND]) { findingKind }
  }
`);

type Filter = NonNullable<VariablesOf<typeof FindingsQuery>['filter']>;

/** Governance findings the syncs opened (and resolved), newest first. */
export function Findings() {
  const { search } = useLocation();
  const state = search.get('state') ?? 'open';
  const kind = search.get('kind');
  const filter: Filter = { ...(state === 'all' ? {} : { open: state === 'open' }), ...(kind ? { kinds: [kind] } : {}) };
  const paging = usePaging(50);
  const result = useQuery(FindingsQuery, { ...paging.variables, filter });
  const kinds = (result.data?.kinds ?? []).map((k) => k.findingKind).filter((k): k is string => !!k);
  return (
    <>
      <ScreenTitle>Findings</ScreenTitle>
      <form className="filters" aria-label="Filter findings" onSubmit={(e) => e.preventDefault()}>
        <Field label="Show">
          {(props) => (
            <select {...props} value={state} onChange={(e) => setSearch({ state: e.target.value === 'open' ? null : e.target.value, ...PAGING_RESET })}>
              <option value="open">Open findings</option>
              <option value="resolved">Resolved findings</option>
              <option value="all">All findings</option>
            </select>
          )}
        </Field>
        <Field label="Kind">
          {(props) => (
            <select {...props} value={kind ?? ''} onChange={(e) => setSearch({ kind: e.target.value || null, ...PAGING_RESET })}>
              <option value="">Any</option>
              {[...new Set([...kinds, ...(kind ? [kind] : [])])].map((k) => (
                <option key={k} value={k}>
                  {humanize(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <ErrorPanel error={result.error} />
      {!result.data ? (
        <Loading />
      ) : (
        <>
          <table className="data-table">
            <caption className="visually-hidden">Findings</caption>
            <thead>
              <tr>
                <th scope="col">Finding</th>
                <th scope="col">About</th>
                <th scope="col">Source</th>
                <th scope="col">Opened</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {result.data.findings.nodes.map((f) => (
                <tr key={f.id}>
                  <th scope="row">
                    <strong>{humanize(f.kind)}</strong>
                    <br />
                    <span className="finding-message">{f.message}</span>
                  </th>
                  <td>{f.entityKind === 'version' && f.entityId ? <Link to={`/versions/${encodeURIComponent(f.entityId)}`}>The version</Link> : humanize(f.entityKind)}</td>
                  <td>
                    <Link to={`/sources/${encodeURIComponent(f.source.id)}`}>{f.source.name}</Link>
                  </td>
                  <td>
                    <When at={f.openedAt} />
                  </td>
                  <td>
                    {f.resolvedAt ? (
                      <>
                        Resolved <When at={f.resolvedAt} />
                      </>
                    ) : (
                      <Badge tone="warn">Open</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager paging={paging} connection={result.data.findings} label="findings" loading={result.loading} />
        </>
      )}
    </>
  );
}
