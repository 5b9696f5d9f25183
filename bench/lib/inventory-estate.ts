import type { NormalisedBatch, NormalisedDeployment, NormalisedModel, NormalisedVersion } from '../../connectors/contract.js';

/** The size of a generated vendor estate and how it is paged. */
export interface EstateShape {
  models: number;
  versionsPerModel: number;
  /** Spread evenly over models; deployment i serves a version of model i % models. */
  deployments: number;
  modelsPerBatch: number;
}

/** Which records a generation changes, by kind and index within that kind (deterministic). */
export type ChangeSelector = (kind: 'model' | 'version' | 'deployment', index: number) => boolean;

const EPOCH = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

/** Every `1/share`-th record of each kind: a change of exactly `share` of the estate. */
export function everyNth(share: number): ChangeSelector {
  const step = Math.round(1 / share);
  return (_kind, index) => index % step === 0;
}

/** How many records a selector changes in an estate of this shape. */
export function countChanged(shape: EstateShape, changed: ChangeSelector): number {
  let n = 0;
  for (let i = 0; i < shape.models; i++) if (changed('model', i)) n++;
  for (let i = 0; i < shape.models * shape.versionsPerModel; i++) if (changed('version', i)) n++;
  for (let i = 0; i < shape.deployments; i++) if (changed('deployment', i)) n++;
  return n;
}

/**
 * A deterministic MLflow-like estate as normalised batches, generated page by page (memory stays flat). A page holds
 * a run of models with all their versions and deployments, as a vendor that lists per model would yield them.
 */
export function* estateBatches(shape: EstateShape, changed: ChangeSelector = () => false): Generator<NormalisedBatch> {
  const deploymentsPerModel = shape.deployments / shape.models;
  for (let first = 0; first < shape.models; first += shape.modelsPerBatch) {
    const batch: NormalisedBatch = { models: [], versions: [], deployments: [], errors: [] };
    const last = Math.min(first + shape.modelsPerBatch, shape.models);
    for (let m = first; m < last; m++) {
      batch.models.push(model(m, changed('model', m)));
      for (let v = 0; v < shape.versionsPerModel; v++) {
        const index = m * shape.versionsPerModel + v;
        batch.versions.push(version(m, v, changed('version', index)));
      }
      for (let k = 0; k < deploymentsPerModel; k++) {
        const index = k * shape.models + m;
        const servedVersion = shape.versionsPerModel - 1 - (k % shape.versionsPerModel);
        batch.deployments.push(deployment(index, m, servedVersion, changed('deployment', index)));
      }
    }
    yield batch;
  }
}

function modelId(m: number): string {
  return `credit-model-${m.toString().padStart(6, '0')}`;
}

function model(m: number, changed: boolean): NormalisedModel {
  const id = modelId(m);
  return {
    externalId: id,
    name: id,
    description: changed ? `Scores applications for product line ${m % 17} (retrained)` : `Scores applications for product line ${m % 17}`,
    owner: `owner${m % 211}@bank.example`,
    tags: { team: `team-${m % 23}`, domain: m % 2 ? 'retail' : 'corporate' },
    deepLink: `https://mlflow.bank.example/#/models/${id}`,
    createdAt: new Date(EPOCH + m * HOUR),
    updatedAt: new Date(EPOCH + m * HOUR + (changed ? 2 : 1) * HOUR),
    vendorAttributes: {
      name: id,
      creation_timestamp: EPOCH + m * HOUR,
      last_updated_timestamp: EPOCH + m * HOUR + HOUR,
      user_id: `owner${m % 211}@bank.example`,
      tags: [{ key: 'team', value: `team-${m % 23}` }],
    },
  };
}

function version(m: number, v: number, changed: boolean): NormalisedVersion {
  const id = `${modelId(m)}/${v + 1}`;
  const stage = changed ? 'PRODUCTION' : v === 9 ? 'STAGING' : 'NONE';
  return {
    externalId: id,
    modelExternalId: modelId(m),
    version: String(v + 1),
    versionNumber: v + 1,
    description: null,
    observedStage: stage,
    observedStageRaw: stage === 'NONE' ? 'None' : stage === 'STAGING' ? 'Staging' : 'Production',
    status: 'READY',
    statusRaw: 'READY',
    createdBy: `ds${(m + v) % 97}@bank.example`,
    artifactUri: `s3://mlflow-artifacts/${m}/${v}/artifacts/model`,
    lineage: { runId: `run-${m}-${v}`, projectId: `exp-${m % 300}`, datasets: [{ name: 'applications', digest: `d${m}${v}` }] },
    metrics: [
      { name: 'auc', value: 0.7 + ((m * 7 + v) % 29) / 100, step: 0, timestamp: new Date(EPOCH + m * HOUR), kind: 'TRAINING' },
      { name: 'val_ks', value: 0.3 + ((m + v) % 11) / 100, step: 0, timestamp: new Date(EPOCH + m * HOUR), kind: 'VALIDATION' },
    ],
    params: { max_depth: String(3 + (v % 5)), eta: '0.1' },
    tags: { framework: 'xgboost' },
    deepLink: `https://mlflow.bank.example/#/models/${modelId(m)}/versions/${v + 1}`,
    createdAt: new Date(EPOCH + m * HOUR + v * 60_000),
    updatedAt: new Date(EPOCH + m * HOUR + v * 60_000 + (changed ? 120_000 : 60_000)),
    vendorAttributes: { name: modelId(m), version: String(v + 1), run_id: `run-${m}-${v}`, current_stage: stage, status: 'READY' },
  };
}

function deployment(index: number, m: number, v: number, changed: boolean): NormalisedDeployment {
  const id = `deployment-${index.toString().padStart(6, '0')}`;
  return {
    externalId: id,
    versionExternalId: `${modelId(m)}/${v + 1}`,
    name: `${modelId(m)}-${index % 2 ? 'canary' : 'prod'}`,
    environment: index % 2 ? 'STAGING' : 'PRODUCTION',
    environmentRaw: index % 2 ? 'staging' : 'production',
    tags: { environment: index % 2 ? 'staging' : 'production' },
    status: changed ? 'UPDATING' : 'ACTIVE',
    statusRaw: changed ? 'Updating' : 'InService',
    metrics: [],
    servingProduction: index % 2 === 0,
    endpointUrl: `https://serve.bank.example/${id}/invocations`,
    trafficShare: index % 2 ? 0.1 : 0.9,
    deepLink: null,
    createdAt: new Date(EPOCH + index * 60_000),
    updatedAt: new Date(EPOCH + index * 60_000 + (changed ? 2 : 1) * 60_000),
    vendorAttributes: { EndpointName: id, VariantName: 'AllTraffic', InstanceType: 'ml.m5.large', CurrentInstanceCount: 1 + (index % 3) },
  };
}
