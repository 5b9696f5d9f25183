/**
 * Typed metrics and normalised statuses, per vendor, the way a BI developer sees them: each vendor's simulator (its
 * wire shapes), a sync in a real hub (PostgreSQL), then the GraphQL API over HTTP with an API key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vendor } from '../../../connectors/contract.js';
import { startDataRobotSimulator } from '../../../connectors/datarobot/simulator.js';
import { leaderboardMetricName, simIds } from '../../../connectors/datarobot/simulator-records.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { toGlobalId } from '../../../src/global-id.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';

const ESTATE = { seed: 18, models: 3, versionsPerModel: 2, deployments: 3, productionShare: 1 };
let test: TestHub;
const simulators = new Map<Vendor, SimulatorHandle>();
const sourceIds = new Map<Vendor | 'datarobot-deleted-projects', string>();

async function sync(vendor: Vendor): Promise<void> {
  const { source, simulator } = await test.addSimulatorSource(vendor, ESTATE);
  simulators.set(vendor, simulator);
  sourceIds.set(vendor, source.id);
  const result = await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
  expect(result.status === 'ran' && result.run.status).toBe('SUCCEEDED');
}

/** A DataRobot source whose AutoML projects were deleted: every Leaderboard model read answers 404. */
async function syncDataRobotWithoutProjects(): Promise<void> {
  const simulator = await startDataRobotSimulator({ ...ESTATE, credential: 'test-credential' });
  for (const model of simulator.store.estate.models) simulator.deleteProject(model.name);
  closing.push(() => simulator.close());
  const source = await test.addSourceFor('datarobot', simulator);
  sourceIds.set('datarobot-deleted-projects', source.id);
  const result = await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
  expect(result.status === 'ran' && result.run.status).toBe('SUCCEEDED');
}
const closing: Array<() => Promise<void>> = [];

beforeAll(async () => {
  test = await startTestHub({ http: true });
  // A version whose run logged a validation figure beside the training ones (MLflow autolog names it `val_…`).
  await sync('mlflow');
  const mlflow = simulators.get('mlflow')!;
  const first = mlflow.store.estate.models[0];
  mlflow.store.changeVersion(first.name, 1, { metrics: { auc: 0.93, val_auc: 0.89 } });
  await test.hub.services.sync.runJob({ sourceId: (await test.hub.services.sources.listSources()).find((s) => s.vendor === 'mlflow')!.id, trigger: 'manual' });
  for (const vendor of ['sagemaker', 'datarobot', 'domino'] as const) await sync(vendor);
  await syncDataRobotWithoutProjects();
}, 120_000);
afterAll(async () => {
  await Promise.all(closing.map((close) => close()));
  await test?.close();
});

interface MetricOut {
  name: string;
  value: number;
  step: number | null;
  timestamp: string | null;
  kind: string;
}
interface VersionOut {
  version: string;
  status: string;
  statusRaw: string | null;
  metrics: MetricOut[];
  vendorAttributes: Record<string, unknown>;
  lineage: Record<string, unknown>;
  model: { name: string };
  deployments: Array<{ status: string; statusRaw: string | null; metrics: MetricOut[] }>;
}

async function versionsOf(vendor: Vendor, sourceId = sourceIds.get(vendor)!): Promise<VersionOut[]> {
  const response = await fetch(`${test.http!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${test.env.HUB_BOOTSTRAP_ADMIN_KEY}` },
    body: JSON.stringify({
      query: `query Versions($vendor: Vendor!, $source: ID!) {
        modelVersions(first: 50, filter: { vendors: [$vendor], sourceIds: [$source] }) {
          nodes {
            version status statusRaw vendorAttributes lineage model { name }
            metrics { name value step timestamp kind }
            deployments { status statusRaw metrics { name value kind } }
          }
        }
      }`,
      variables: { vendor: vendor.toUpperCase(), source: toGlobalId('Source', sourceId) },
    }),
  });
  const body = (await response.json()) as { data?: { modelVersions: { nodes: VersionOut[] } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data!.modelVersions.nodes;
}

describe('GraphQL typed metrics and status', () => {
  it('should serve MLflow run metrics typed, with step, time and the kind the key names, and READY beside the raw status', async () => {
    const versions = await versionsOf('mlflow');
    expect(versions.length).toBe(6);
    const model = simulators.get('mlflow')!.store.estate.models[0];
    const changed = versions.find((v) => v.model.name === model.name && v.version === '1')!;
    expect(changed.metrics.map(({ name, value, kind, step }) => ({ name, value, kind, step }))).toEqual([
      { name: 'auc', value: 0.93, kind: 'TRAINING', step: 0 },
      { name: 'val_auc', value: 0.89, kind: 'VALIDATION', step: 0 },
    ]);
    expect(changed.metrics.every((m) => m.timestamp !== null && !Number.isNaN(Date.parse(m.timestamp)))).toBe(true);
    expect(changed.status).toBe('READY');
    expect(changed.statusRaw).toBe('READY');
    // The raw form stays in vendorAttributes: the run's metrics as MLflow sent them.
    expect((changed.vendorAttributes.run as { data: { metrics: unknown[] } }).data.metrics).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'val_auc', value: 0.89, step: 0 })]),
    );
    for (const version of versions) expect(version.metrics.map((m) => m.name)).toContain('auc');
  });

  it('should map SageMaker package and endpoint statuses and keep the S3-only ModelMetrics out of typed metrics', async () => {
    const versions = await versionsOf('sagemaker');
    expect(versions.length).toBe(6);
    for (const version of versions) {
      expect([version.status, version.statusRaw]).toEqual(['READY', 'Completed']);
      expect(version.metrics).toEqual([]);
      expect(version.vendorAttributes.ModelMetrics).toMatchObject({ ModelQuality: { Statistics: { S3Uri: expect.stringMatching(/^s3:\/\//) } } });
    }
    const deployments = versions.flatMap((v) => v.deployments);
    expect(deployments.length).toBeGreaterThan(0);
    for (const deployment of deployments) {
      expect(deployment.statusRaw).toBe('InService');
      expect(deployment.status).toBe('ACTIVE');
      expect(deployment.metrics).toEqual([]);
    }
  });

  it('should map DataRobot build and deployment statuses beside the raw words', async () => {
    const versions = await versionsOf('datarobot');
    expect(versions.length).toBe(6);
    for (const version of versions) expect([version.status, version.statusRaw]).toEqual(['READY', 'complete']);
    const deployments = versions.flatMap((v) => v.deployments);
    expect(deployments.length).toBeGreaterThan(0);
    for (const deployment of deployments) {
      expect(['active', 'inactive']).toContain(deployment.statusRaw);
      expect(deployment.status).toBe(deployment.statusRaw === 'active' ? 'ACTIVE' : 'INACTIVE');
    }
  });

  it("should serve a deployed DataRobot version's Leaderboard scores as VALIDATION metrics, and none for the others", async () => {
    const simulator = simulators.get('datarobot')!;
    const versions = await versionsOf('datarobot');
    const deployed = versions.filter((v) => v.deployments.length > 0);
    expect(deployed.length).toBeGreaterThan(0);
    for (const version of deployed) {
      const model = simulator.store.estate.models.find((m) => m.name === version.model.name)!;
      const scores = model.versions.find((v) => String(v.number) === version.version)!.metrics;
      expect(version.metrics).toEqual(
        Object.entries(scores)
          .map(([key, value]) => ({ name: `${leaderboardMetricName(key)}.validation`, value, step: null, timestamp: null, kind: 'VALIDATION' }))
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
      );
      expect(version.lineage.projectId).toBe(simIds.project(model.name));
      expect(version.vendorAttributes.leaderboardModel).toMatchObject({ projectId: simIds.project(model.name) });
    }
    // Nothing names the project of a version no deployment serves (the simulator sends no sourceMeta).
    for (const version of versions.filter((v) => v.deployments.length === 0)) expect(version.metrics).toEqual([]);
  });

  it('should sync a DataRobot source whose Leaderboard models answer 404, keeping its versions without metrics', async () => {
    const versions = await versionsOf('datarobot', sourceIds.get('datarobot-deleted-projects'));
    expect(versions.length).toBe(6);
    expect(versions.some((v) => v.deployments.length > 0)).toBe(true);
    for (const version of versions) expect(version.metrics).toEqual([]);
    // The deployments still name the project: lineage keeps it.
    expect(versions.filter((v) => v.deployments.length > 0).every((v) => typeof v.lineage.projectId === 'string')).toBe(true);
  });

  it('should map Domino registered version and Model API statuses beside the raw words', async () => {
    const versions = await versionsOf('domino');
    expect(versions.length).toBe(6);
    for (const version of versions) expect([version.status, version.statusRaw]).toEqual(['READY', 'READY']);
    const deployments = versions.flatMap((v) => v.deployments);
    expect(deployments.length).toBeGreaterThan(0);
    const expected: Record<string, string> = { Running: 'ACTIVE', Stopped: 'INACTIVE', Archived: 'INACTIVE' };
    for (const deployment of deployments) expect(deployment.status).toBe(expected[deployment.statusRaw ?? '']);
  });
});
