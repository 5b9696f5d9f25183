import { graphql } from '../api/graphql.ts';
import { useQuery } from '../api/use-query.ts';
import { useViewer } from '../auth/viewer.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { Badge, Loading, When } from '../components/ui.tsx';
import { Link } from '../routing/router.tsx';
import { VENDOR_LABELS, stateTone } from './labels.ts';

const SourcesQuery = graphql(`
  query SourcesHealth {
    sources(first: 500) {
      totalCount
      nodes {
        id name vendor enabled hasSecret scheduleSeconds lastRunStatus lastRunAt lastSuccessAt
        lastRun { id status seen created updated unchanged deleted failed error }
      }
    }
  }
`);

const ScheduleQuery = graphql(`
  query SourcesSchedule {
    systemStatus { sources { id nextRunAt } }
  }
`);

/** Every source's health at a glance: last and next run, status, record counts, the latest error. */
export function Sources() {
  const { may } = useViewer();
  const operator = may('manageSources');
  const sources = useQuery(SourcesQuery, {}, { pollMs: 10_000 });
  const schedule = useQuery(ScheduleQuery, {}, { skip: !operator, pollMs: 30_000 });
  const nextRun = new Map((schedule.data?.systemStatus.sources ?? []).map((s) => [s.id, s.nextRunAt]));
  return (
    <>
      <ScreenTitle
        actions={
          operator ? (
            <Link to="/sources/new" className="button primary">
              Add a source
            </Link>
          ) : undefined
        }
      >
        Sources
      </ScreenTitle>
      <ErrorPanel error={sources.error} />
      {!sources.data ? (
        <Loading />
      ) : sources.data.sources.nodes.length === 0 ? (
        <p className="empty">No sources are configured yet.</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">Sources with their last and next run, status and record counts</caption>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Vendor</th>
              <th scope="col">Status</th>
              <th scope="col">Last run</th>
              <th scope="col">Last success</th>
              {operator ? <th scope="col">Next run</th> : null}
              <th scope="col">Records (seen / new / changed / deleted / failed)</th>
              <th scope="col">Latest error</th>
            </tr>
          </thead>
          <tbody>
            {sources.data.sources.nodes.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <Link to={`/sources/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                </th>
                <td>{VENDOR_LABELS[s.vendor]}</td>
                <td>
                  {s.enabled ? null : <Badge tone="warn">Disabled</Badge>} <Badge tone={stateTone(s.lastRunStatus)}>{s.lastRunStatus ?? 'Never ran'}</Badge>
                </td>
                <td>
                  <When at={s.lastRunAt} empty="Never" />
                </td>
                <td>
                  <When at={s.lastSuccessAt} empty="Never" />
                </td>
                {operator ? (
                  <td>
                    <When at={nextRun.get(s.id) ?? null} empty={s.enabled ? '—' : 'Not scheduled'} />
                  </td>
                ) : null}
                <td className="numbers">
                  {s.lastRun ? `${s.lastRun.seen} / ${s.lastRun.created} / ${s.lastRun.updated} / ${s.lastRun.deleted} / ${s.lastRun.failed}` : '—'}
                </td>
                <td className="error-cell">{s.lastRun?.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
