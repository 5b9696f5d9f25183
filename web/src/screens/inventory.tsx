import { useEffect, useState } from 'react';
import { graphql, type ResultOf, type VariablesOf } from '../api/graphql.ts';
import { useQuery } from '../api/use-query.ts';
import { EvidencePackButtons } from '../components/evidence-pack-button.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { PAGING_RESET, Pager, usePaging } from '../components/pager.tsx';
import { Badge, ExternalLink, Field, Loading, humanize } from '../components/ui.tsx';
import { Link, setSearch, useLocation } from '../routing/router.tsx';
import { LIFECYCLE_STATES, RISK_TIERS, VENDORS, VENDOR_LABELS, stateTone } from './labels.ts';

const ModelsQuery = graphql(`
  query InventoryModels($first: Int, $after: String, $last: Int, $before: String, $filter: InventoryFilter) {
    models(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      nodes { id name vendor owner riskTier businessUnit accountableOwner deepLink source { id name } }
    }
  }
`);

const VersionsQuery = graphql(`
  query InventoryVersions($first: Int, $after: String, $last: Int, $before: String, $filter: InventoryFilter) {
    modelVersions(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      nodes {
        id version vendor lifecycleState observedStage deepLink createdBy
        model { id name riskTier businessUnit }
        deployments { id servingProduction }
        findings { id resolvedAt }
      }
    }
  }
`);

const StatsQuery = graphql(`
  query InventoryStats($filter: InventoryFilter) {
    byVendor: inventoryStats(groupBy: [VENDOR], filter: $filter) { vendor versionCount modelCount }
    byState: inventoryStats(groupBy: [LIFECYCLE_STATE], filter: $filter) { lifecycleState versionCount }
    byRisk: inventoryStats(groupBy: [RISK_TIER], filter: $filter) { riskTier versionCount }
    byProduction: inventoryStats(groupBy: [IN_PRODUCTION], filter: $filter) { inProduction versionCount modelCount }
    byFinding: inventoryStats(groupBy: [FINDING_KIND], filter: $filter) { findingKind versionCount }
  }
`);

const FilterOptionsQuery = graphql(`
  query InventoryFilterOptions {
    sources(first: 500) { nodes { id name vendor } }
    businessUnits: inventoryStats(groupBy: [BUSINESS_UNIT]) { businessUnit versionCount }
  }
`);

export const ModelDetailQuery = graphql(`
  query InventoryModelDetail($id: ID!) {
    node(id: $id) {
      ... on Model {
        id
        versions {
          id version lifecycleState observedStage deepLink
          deployments { id name environment status servingProduction deepLink }
        }
      }
    }
  }
`);

type Filter = NonNullable<VariablesOf<typeof ModelsQuery>['filter']>;

const FILTER_KEYS = ['q', 'vendor', 'source', 'state', 'risk', 'bu', 'prod', 'findings'] as const;

/** The InventoryFilter the URL's query string describes. */
function filterFrom(search: URLSearchParams): Filter {
  const filter: Filter = {};
  const q = search.get('q');
  if (q) filter.search = q;
  const vendor = search.get('vendor');
  if (vendor) filter.vendors = [vendor as (typeof VENDORS)[number]];
  const source = search.get('source');
  if (source) filter.sourceIds = [source];
  const state = search.get('state');
  if (state) filter.lifecycleStates = [state as (typeof LIFECYCLE_STATES)[number]];
  const risk = search.get('risk');
  if (risk === 'UNCLASSIFIED') filter.unclassified = true;
  else if (risk) filter.riskTiers = [risk as (typeof RISK_TIERS)[number]];
  const bu = search.get('bu');
  if (bu) filter.businessUnits = [bu];
  const prod = search.get('prod');
  if (prod) filter.inProduction = prod === 'yes';
  const findings = search.get('findings');
  if (findings) filter.hasOpenFindings = findings === 'yes';
  return filter;
}

function applyFilter(key: (typeof FILTER_KEYS)[number], value: string | null) {
  setSearch({ [key]: value, ...PAGING_RESET });
}

export function Inventory() {
  const { search } = useLocation();
  const view = search.get('view') === 'versions' ? 'versions' : 'models';
  const filter = filterFrom(search);
  const hasFilter = FILTER_KEYS.some((key) => search.get(key));
  return (
    <>
      <ScreenTitle>Inventory</ScreenTitle>
      <Filters search={search} />
      <Dashboard filter={filter} />
      <div className="view-switch" role="group" aria-label="Show">
        <button type="button" aria-pressed={view === 'models'} onClick={() => setSearch({ view: null, ...PAGING_RESET })}>
          Models
        </button>
        <button type="button" aria-pressed={view === 'versions'} onClick={() => setSearch({ view: 'versions', ...PAGING_RESET })}>
          Versions
        </button>
        {hasFilter ? (
          <button type="button" className="link-button" onClick={() => setSearch(Object.fromEntries([...FILTER_KEYS.map((k) => [k, null]), ...Object.entries(PAGING_RESET)]))}>
            Clear filters
          </button>
        ) : null}
      </div>
      {view === 'models' ? <ModelsTable filter={filter} /> : <VersionsTable filter={filter} />}
    </>
  );
}

function Filters({ search }: { search: URLSearchParams }) {
  const options = useQuery(FilterOptionsQuery, {});
  const [text, setText] = useState(search.get('q') ?? '');
  // Search as the user types, without a request per keystroke.
  useEffect(() => {
    const timer = setTimeout(() => {
      if (text !== (search.get('q') ?? '')) applyFilter('q', text.trim() || null);
    }, 300);
    return () => clearTimeout(timer);
  }, [text, search]);

  const select = (key: (typeof FILTER_KEYS)[number], label: string, choices: Array<[string, string]>) => (
    <Field label={label}>
      {(props) => (
        <select {...props} value={search.get(key) ?? ''} onChange={(e) => applyFilter(key, e.target.value || null)}>
          <option value="">Any</option>
          {choices.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  const sources = options.data?.sources.nodes ?? [];
  const units = (options.data?.businessUnits ?? []).map((g) => g.businessUnit).filter((u): u is string => !!u);
  return (
    <form className="filters" role="search" aria-label="Filter the inventory" onSubmit={(e) => e.preventDefault()}>
      <Field label="Search names and descriptions">
        {(props) => <input {...props} type="search" value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
      {select('vendor', 'Vendor', VENDORS.map((v) => [v, VENDOR_LABELS[v]]))}
      {select('source', 'Source', sources.map((s) => [s.id, s.name]))}
      {select('state', 'Lifecycle state', LIFECYCLE_STATES.map((s) => [s, humanize(s)]))}
      {select('risk', 'Risk tier', [...RISK_TIERS.map((r): [string, string] => [r, humanize(r)]), ['UNCLASSIFIED', 'Unclassified']])}
      {select('bu', 'Business unit', units.map((u) => [u, u]))}
      {select('prod', 'In production', [
        ['yes', 'Yes'],
        ['no', 'No'],
      ])}
      {select('findings', 'Open findings', [
        ['yes', 'With open findings'],
        ['no', 'Without'],
      ])}
    </form>
  );
}

function Dashboard({ filter }: { filter: Filter }) {
  const stats = useQuery(StatsQuery, { filter });
  if (stats.error) return <ErrorPanel error={stats.error} title="Counts unavailable" />;
  if (!stats.data) return <Loading what="Counting" />;
  const { byVendor, byState, byRisk, byProduction, byFinding } = stats.data;
  const versions = byVendor.reduce((sum, g) => sum + g.versionCount, 0);
  const models = byVendor.reduce((sum, g) => sum + g.modelCount, 0);
  const inProduction = byProduction.find((g) => g.inProduction)?.versionCount ?? 0;
  const withFindings = byFinding.filter((g) => g.findingKind).reduce((sum, g) => sum + g.versionCount, 0);
  return (
    <section className="dashboard" aria-labelledby="counts-heading">
      <h2 id="counts-heading" className="visually-hidden">
        Counts
      </h2>
      <div className="tiles">
        <Tile label="Models" value={models} />
        <Tile label="Versions" value={versions} />
        <Tile label="Versions in production" value={inProduction} onSelect={() => applyFilter('prod', 'yes')} />
        <Tile label="Versions with open findings" value={withFindings} tone={withFindings ? 'warn' : undefined} onSelect={() => applyFilter('findings', 'yes')} />
      </div>
      <div className="breakdowns">
        <Breakdown title="By vendor" rows={byVendor.map((g) => [VENDOR_LABELS[g.vendor ?? ''] ?? '—', g.versionCount, () => applyFilter('vendor', g.vendor)])} />
        <Breakdown title="By lifecycle state" rows={byState.map((g) => [humanize(g.lifecycleState), g.versionCount, () => applyFilter('state', g.lifecycleState)])} />
        <Breakdown title="By risk tier" rows={byRisk.map((g) => [g.riskTier ? humanize(g.riskTier) : 'Unclassified', g.versionCount, () => applyFilter('risk', g.riskTier ?? 'UNCLASSIFIED')])} />
        <Breakdown title="By open finding" rows={byFinding.filter((g) => g.findingKind).map((g) => [humanize(g.findingKind), g.versionCount, null])} empty="No open findings." />
      </div>
    </section>
  );
}

function Tile({ label, value, tone, onSelect }: { label: string; value: number; tone?: 'warn'; onSelect?: () => void }) {
  const body = (
    <>
      <span className="tile-value">{value.toLocaleString()}</span>
      <span className="tile-label">{label}</span>
    </>
  );
  return onSelect ? (
    <button type="button" className={`tile ${tone ?? ''}`} onClick={onSelect}>
      {body}
      <span className="visually-hidden">: show them</span>
    </button>
  ) : (
    <div className="tile">{body}</div>
  );
}

function Breakdown({ title, rows, empty = 'Nothing to count.' }: { title: string; rows: Array<[string, number, (() => void) | null]>; empty?: string }) {
  return (
    <div className="breakdown">
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul>
          {rows.map(([label, count, onSelect]) => (
            <li key={label}>
              {onSelect ? (
                <button type="button" className="link-button" onClick={onSelect}>
                  {label}
                  <span className="visually-hidden">: filter by it</span>
                </button>
              ) : (
                <span>{label}</span>
              )}
              <span className="count">{count.toLocaleString()}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ModelsTable({ filter }: { filter: Filter }) {
  const paging = usePaging(25);
  const result = useQuery(ModelsQuery, { ...paging.variables, filter });
  const [open, setOpen] = useState<string | null>(null);
  if (result.error) return <ErrorPanel error={result.error} title="Models unavailable" />;
  if (!result.data) return <Loading what="Loading models" />;
  const { nodes } = result.data.models;
  return (
    <section aria-labelledby="models-heading">
      <h2 id="models-heading" className="visually-hidden">
        Models
      </h2>
      <table className="data-table">
        <caption className="visually-hidden">Models, with their risk tier, owner and source. Expand a model for its versions and deployments.</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Vendor</th>
            <th scope="col">Source</th>
            <th scope="col">Risk tier</th>
            <th scope="col">Business unit</th>
            <th scope="col">Accountable owner</th>
            <th scope="col">At the vendor</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((model) => (
            <ModelRow key={model.id} model={model} open={open === model.id} onToggle={() => setOpen(open === model.id ? null : model.id)} />
          ))}
        </tbody>
      </table>
      <Pager paging={paging} connection={result.data.models} label="models" loading={result.loading} />
    </section>
  );
}

type ModelNode = ResultOf<typeof ModelsQuery>['models']['nodes'][number];

function ModelRow({ model, open, onToggle }: { model: ModelNode; open: boolean; onToggle: () => void }) {
  const detailId = `model-${model.id}-versions`;
  return (
    <>
      <tr>
        <th scope="row">
          <button type="button" className="disclosure" aria-expanded={open} aria-controls={open ? detailId : undefined} onClick={onToggle}>
            <span aria-hidden="true">{open ? '▾' : '▸'}</span> {model.name}
          </button>
        </th>
        <td>{VENDOR_LABELS[model.vendor]}</td>
        <td>{model.source.name}</td>
        <td>{model.riskTier ? humanize(model.riskTier) : <span className="muted">Unclassified</span>}</td>
        <td>{model.businessUnit ?? '—'}</td>
        <td>{model.accountableOwner ?? <span className="muted">{model.owner ? `${model.owner} (vendor)` : 'None'}</span>}</td>
        <td>
          <ExternalLink href={model.deepLink}>Open</ExternalLink>
        </td>
      </tr>
      {open ? (
        <tr className="detail-row" id={detailId}>
          <td colSpan={7}>
            <EvidencePackButtons path={`/reports/models/${encodeURIComponent(model.id)}`} label={`Evidence pack of ${model.name}`} />
            <ModelVersions id={model.id} name={model.name} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function ModelVersions({ id, name }: { id: string; name: string }) {
  const result = useQuery(ModelDetailQuery, { id });
  if (result.error) return <ErrorPanel error={result.error} />;
  const node = result.data?.node;
  if (!node || !('versions' in node)) return <Loading what="Loading versions" />;
  if (node.versions.length === 0) return <p className="muted">No live versions.</p>;
  return (
    <table className="data-table nested">
      <caption>Versions of {name}</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Governed state</th>
          <th scope="col">Vendor stage</th>
          <th scope="col">Deployments</th>
        </tr>
      </thead>
      <tbody>
        {node.versions.map((version) => (
          <tr key={version.id}>
            <th scope="row">
              <Link to={`/versions/${encodeURIComponent(version.id)}`}>Version {version.version}</Link>
            </th>
            <td>
              <Badge tone={stateTone(version.lifecycleState)}>{humanize(version.lifecycleState)}</Badge>
            </td>
            <td>{humanize(version.observedStage)}</td>
            <td>
              {version.deployments.length === 0 ? (
                <span className="muted">None</span>
              ) : (
                <ul className="plain">
                  {version.deployments.map((d) => (
                    <li key={d.id}>
                      {d.name} {d.servingProduction ? <Badge tone="good">serves production</Badge> : null} {d.environment ? <span className="muted">({d.environment})</span> : null}{' '}
                      <ExternalLink href={d.deepLink}>Open</ExternalLink>
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VersionsTable({ filter }: { filter: Filter }) {
  const paging = usePaging(50);
  const result = useQuery(VersionsQuery, { ...paging.variables, filter });
  if (result.error) return <ErrorPanel error={result.error} title="Versions unavailable" />;
  if (!result.data) return <Loading what="Loading versions" />;
  const { nodes } = result.data.modelVersions;
  return (
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading" className="visually-hidden">
        Versions
      </h2>
      <table className="data-table">
        <caption className="visually-hidden">Model versions with their governed state, vendor stage, deployments and open findings.</caption>
        <thead>
          <tr>
            <th scope="col">Model and version</th>
            <th scope="col">Vendor</th>
            <th scope="col">Governed state</th>
            <th scope="col">Vendor stage</th>
            <th scope="col">Risk tier</th>
            <th scope="col">Deployments</th>
            <th scope="col">Open findings</th>
            <th scope="col">At the vendor</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((v) => {
            const openFindings = v.findings.filter((f) => !f.resolvedAt).length;
            return (
              <tr key={v.id}>
                <th scope="row">
                  <Link to={`/versions/${encodeURIComponent(v.id)}`}>
                    {v.model?.name ?? '(model not listed yet)'} · {v.version}
                  </Link>
                </th>
                <td>{VENDOR_LABELS[v.vendor]}</td>
                <td>
                  <Badge tone={stateTone(v.lifecycleState)}>{humanize(v.lifecycleState)}</Badge>
                </td>
                <td>{humanize(v.observedStage)}</td>
                <td>{v.model?.riskTier ? humanize(v.model.riskTier) : <span className="muted">Unclassified</span>}</td>
                <td>
                  {v.deployments.length}
                  {v.deployments.some((d) => d.servingProduction) ? (
                    <>
                      {' '}
                      <Badge tone="good">production</Badge>
                    </>
                  ) : null}
                </td>
                <td>{openFindings ? <Badge tone="warn">{openFindings}</Badge> : '0'}</td>
                <td>
                  <ExternalLink href={v.deepLink}>Open</ExternalLink>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Pager paging={paging} connection={result.data.modelVersions} label="versions" loading={result.loading} />
    </section>
  );
}
