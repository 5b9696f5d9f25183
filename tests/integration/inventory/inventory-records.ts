import type { NormalisedBatch, NormalisedDeployment, NormalisedModel, NormalisedVersion } from '../../../connectors/contract.js';

/** Small, explicit normalised records for writer tests. */
export function aModel(externalId: string, overrides: Partial<NormalisedModel> = {}): NormalisedModel {
  return {
    externalId,
    name: `model ${externalId}`,
    description: 'churn model',
    owner: 'ana@example.com',
    tags: { team: 'risk' },
    deepLink: `https://vendor.example/models/${externalId}`,
    createdAt: new Date('2024-03-01T10:00:00.000Z'),
    updatedAt: new Date('2024-03-02T10:00:00.000Z'),
    vendorAttributes: { id: externalId, flavour: 'sklearn' },
    ...overrides,
  };
}

export function aVersion(externalId: string, modelExternalId: string | null, overrides: Partial<NormalisedVersion> = {}): NormalisedVersion {
  return {
    externalId,
    modelExternalId,
    version: '1',
    versionNumber: 1,
    description: null,
    observedStage: 'STAGING',
    observedStageRaw: 'Staging',
    status: 'READY',
    statusRaw: 'READY',
    createdBy: 'ana@example.com',
    artifactUri: `s3://models/${externalId}`,
    lineage: { runId: `run-${externalId}`, datasets: [{ name: 'customers', digest: 'abc' }] },
    metrics: [{ name: 'auc', value: 0.91, step: 0, timestamp: new Date('2024-03-01T10:30:00.000Z'), kind: 'TRAINING' }],
    params: { max_depth: '6' },
    tags: {},
    deepLink: null,
    createdAt: new Date('2024-03-01T11:00:00.000Z'),
    updatedAt: null,
    vendorAttributes: { id: externalId },
    ...overrides,
  };
}

export function aDeployment(externalId: string, versionExternalId: string | null, overrides: Partial<NormalisedDeployment> = {}): NormalisedDeployment {
  return {
    externalId,
    versionExternalId,
    name: `endpoint ${externalId}`,
    environment: 'PRODUCTION',
    environmentRaw: 'production',
    tags: { environment: 'production' },
    status: 'ACTIVE',
    statusRaw: 'InService',
    metrics: [],
    servingProduction: true,
    endpointUrl: `https://serve.example/${externalId}`,
    trafficShare: 0.3,
    deepLink: null,
    createdAt: new Date('2024-03-03T09:00:00.000Z'),
    updatedAt: new Date('2024-03-03T09:30:00.000Z'),
    vendorAttributes: { id: externalId, variant: 'AllTraffic' },
    ...overrides,
  };
}

export function aBatch(parts: Partial<NormalisedBatch>): NormalisedBatch {
  return { models: [], versions: [], deployments: [], errors: [], ...parts };
}

/** n models, each with one version and one deployment serving it: m1/m1-v1/m1-d1 … */
export function anEstate(n: number): NormalisedBatch {
  const ids = Array.from({ length: n }, (_, i) => `m${i + 1}`);
  return aBatch({
    models: ids.map((id) => aModel(id)),
    versions: ids.map((id) => aVersion(`${id}-v1`, id)),
    deployments: ids.map((id) => aDeployment(`${id}-d1`, `${id}-v1`)),
  });
}
