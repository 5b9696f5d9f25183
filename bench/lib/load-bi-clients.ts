import type { GraphQLAnswer, LoadClient } from './load-graphql.js';

/**
 * What BI tools ask the hub for while it syncs: filtered, ordered inventory pages followed through their cursors,
 * plus dashboard counts. Each kind is one operation in the report.
 */

const DOMAINS = ['churn', 'fraud', 'credit', 'demand', 'pricing', 'claims', 'forecast', 'kyc'];
const STATES = ['DEVELOPMENT', 'VALIDATION', 'APPROVED'];

const PAGE = `pageInfo { hasNextPage endCursor } totalCount @include(if: $count)`;

const MODELS = `query BiModels($first: Int, $after: String, $filter: InventoryFilter, $orderBy: ModelOrder, $count: Boolean!) {
  models(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    ${PAGE}
    nodes { id name owner riskTier vendor lastChangedAt versions { id version lifecycleState observedStage } }
  } }`;

const VERSIONS = `query BiVersions($first: Int, $after: String, $filter: InventoryFilter, $orderBy: ModelVersionOrder, $count: Boolean!) {
  modelVersions(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    ${PAGE}
    nodes { id version lifecycleState observedStage createdBy metrics { name value kind } model { id name riskTier } deployments { id name servingProduction } }
  } }`;

const DEPLOYMENTS = `query BiDeployments($first: Int, $after: String, $filter: InventoryFilter, $orderBy: DeploymentOrder, $count: Boolean!) {
  deployments(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    ${PAGE}
    nodes { id name environment servingProduction trafficShare version { id version lifecycleState model { name } } }
  } }`;

const STATS = `query BiStats($filter: InventoryFilter) {
  inventoryStats(groupBy: [VENDOR, LIFECYCLE_STATE, RISK_TIER], filter: $filter) { vendor lifecycleState riskTier versionCount modelCount } }`;

interface BiQueryKind {
  operation: string;
  query: string;
  /** The connection field of the answer; null for a single, unpaged answer. */
  connection: 'models' | 'modelVersions' | 'deployments' | null;
  variables(): Record<string, unknown>;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const direction = () => pick(['ASC', 'DESC']);

export const BI_QUERY_KINDS: readonly BiQueryKind[] = [
  {
    operation: 'bi: models by vendor',
    query: MODELS,
    connection: 'models',
    variables: () => ({ first: 50, filter: { vendors: pick([['MLFLOW'], ['MLFLOW', 'SAGEMAKER']]) }, orderBy: { field: pick(['NAME', 'UPDATED']), direction: direction() } }),
  },
  {
    operation: 'bi: models text search',
    query: MODELS,
    connection: 'models',
    variables: () => ({ first: 50, filter: { search: pick(DOMAINS) }, orderBy: { field: 'NAME', direction: direction() } }),
  },
  {
    operation: 'bi: models by risk tier',
    query: MODELS,
    connection: 'models',
    variables: () => ({ first: 50, filter: pick([{ riskTiers: ['LOW'] }, { unclassified: true }]), orderBy: { field: 'RISK_TIER', direction: direction() } }),
  },
  {
    operation: 'bi: versions by lifecycle state',
    query: VERSIONS,
    connection: 'modelVersions',
    variables: () => ({ first: 100, filter: { lifecycleStates: [pick(STATES)] }, orderBy: { field: pick(['STATE', 'CREATED', 'NAME']), direction: direction() } }),
  },
  {
    operation: 'bi: versions in production',
    query: VERSIONS,
    connection: 'modelVersions',
    variables: () => ({ first: 100, filter: { inProduction: true, vendors: ['MLFLOW'] }, orderBy: { field: 'UPDATED', direction: 'DESC' } }),
  },
  {
    operation: 'bi: deployments',
    query: DEPLOYMENTS,
    connection: 'deployments',
    variables: () => ({ first: 100, filter: pick([{ vendors: ['MLFLOW'] }, { inProduction: true }]), orderBy: { field: pick(['NAME', 'CREATED', 'STATE']), direction: direction() } }),
  },
  {
    operation: 'bi: dashboard stats',
    query: STATS,
    connection: null,
    variables: () => ({ filter: pick([{}, { vendors: ['MLFLOW'] }]) }),
  },
];

/** The BI operations, for the report. */
export const BI_OPERATIONS = BI_QUERY_KINDS.map((k) => k.operation);

interface Page {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * One BI client until `deadline`: picks a query kind, asks for its first page (with the total count, as BI tools
 * do), then follows `endCursor` for up to four more pages. Returns how many pages it read.
 */
export async function runBiClient(client: LoadClient, deadline: number): Promise<number> {
  let pages = 0;
  while (Date.now() < deadline) {
    const kind = pick(BI_QUERY_KINDS);
    const variables = kind.variables();
    const wanted = 1 + Math.floor(Math.random() * 5);
    let after: string | null = null;
    for (let page = 0; page < wanted && Date.now() < deadline; page++) {
      const answer: GraphQLAnswer<Record<string, Page>> = await client.call<Record<string, Page>>(kind.operation, kind.query, kind.connection ? { ...variables, after, count: page === 0 } : variables);
      pages++;
      if (!kind.connection || !answer.data) break;
      const { pageInfo }: Page = answer.data[kind.connection];
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
  }
  return pages;
}
