import { vendorSimulator } from '../../connectors/registry/simulators.js';
import { SIMULATOR_CREDENTIAL } from './load-environment.js';
import { expectData, type GraphQLAnswer, type LoadClient } from './load-graphql.js';

/** Setup and supervision steps of the load bench, all through the public GraphQL API with the ADMIN key. */

export interface RunState {
  id: string;
  status: string;
  seen: number;
  created: number;
  failed: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

const RUN_FIELDS = 'id status seen created failed error startedAt finishedAt';

/** Registers a disabled MLflow source for a simulator (syncs only when triggered); returns its global id. */
export async function createSimulatorSource(admin: LoadClient, name: string, simulatorUrl: string): Promise<string> {
  const { settings, secret } = vendorSimulator('mlflow').sourceFor({ url: simulatorUrl }, SIMULATOR_CREDENTIAL);
  const answer = await admin.call<{ createSource: { id: string } }>(
    'admin',
    `mutation Create($input: CreateSourceInput!) { createSource(input: $input) { id } }`,
    { input: { vendor: 'MLFLOW', name, settings, secret, enabled: false } },
  );
  return expectData('createSource', answer).createSource.id;
}

export async function triggerSync(admin: LoadClient, sourceId: string): Promise<RunState> {
  const answer = await admin.call<{ triggerSync: { run: RunState } }>('admin', `mutation Trigger($id: ID!) { triggerSync(id: $id) { run { ${RUN_FIELDS} } } }`, { id: sourceId });
  return expectData('triggerSync', answer).triggerSync.run;
}

export async function runState(admin: LoadClient, runId: string): Promise<RunState> {
  const answer = await admin.call<{ node: RunState }>('admin', `query Run($id: ID!) { node(id: $id) { ... on SyncRun { ${RUN_FIELDS} } } }`, { id: runId });
  return expectData('node(SyncRun)', answer).node;
}

const FINISHED = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED']);

/** Polls a run until it finishes (or `timeoutMs` passes: then the last state seen, still running). */
export async function waitForRun(admin: LoadClient, runId: string, timeoutMs: number, onProgress?: (run: RunState) => void): Promise<RunState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await runState(admin, runId);
    onProgress?.(run);
    if (FINISHED.has(run.status) || Date.now() > deadline) return run;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

interface VersionPage {
  pageInfo: { hasNextPage: boolean; endCursor: string };
  nodes: Array<{ id: string; model: { id: string } | null }>;
}

/** Every live version of one source, with its model's id, following the cursors. */
export async function versionsOf(admin: LoadClient, sourceId: string): Promise<Array<{ id: string; modelId: string }>> {
  const versions: Array<{ id: string; modelId: string }> = [];
  let after: string | null = null;
  for (;;) {
    const answer: GraphQLAnswer<{ modelVersions: VersionPage }> = await admin.call<{ modelVersions: VersionPage }>(
      'admin',
      `query Versions($after: String, $filter: InventoryFilter) { modelVersions(first: 500, after: $after, filter: $filter, orderBy: { field: NAME }) {
        pageInfo { hasNextPage endCursor } nodes { id model { id } } } }`,
      { after, filter: { sourceIds: [sourceId] } },
    );
    const page: VersionPage = expectData('modelVersions', answer).modelVersions;
    for (const node of page.nodes) if (node.model) versions.push({ id: node.id, modelId: node.model.id });
    if (!page.pageInfo.hasNextPage) return versions;
    after = page.pageInfo.endCursor;
  }
}

/** Classifies models as LOW risk, so one VALIDATOR approval applies a request on any of their versions. */
export async function classifyLowRisk(admin: LoadClient, modelIds: Iterable<string>): Promise<void> {
  for (const modelId of modelIds) {
    const answer = await admin.call('admin', `mutation Classify($id: ID!) { setModelGovernance(modelId: $id, input: { riskTier: LOW, businessUnit: "Retail credit" }) { id } }`, { id: modelId });
    expectData('setModelGovernance', answer);
  }
}

export async function verifyAuditChain(admin: LoadClient): Promise<{ valid: boolean; checked: number; firstBrokenSeq: number | null }> {
  const answer = await admin.call<{ verifyAuditChain: { valid: boolean; checked: number; firstBrokenSeq: number | null } }>('admin', `query Verify { verifyAuditChain { valid checked firstBrokenSeq } }`);
  return expectData('verifyAuditChain', answer).verifyAuditChain;
}
