import type { DatasetRef, DeploymentStatus, Metric, NormalisedDeployment, NormalisedModel, NormalisedVersion, ObservedStage, RecordError, VersionStatus } from '../contract.js';
import { finiteNumber, metricKindFromName, sortMetrics } from '../shared/metric-kind.js';
import type { EnvironmentClassifier } from '../shared/environment.js';
import { modelMetricsOf } from './unconfirmed.js';
import type { MlflowKeyValue, MlflowModelVersion, MlflowRegisteredModel, MlflowRun } from './wire.js';

/**
 * MLflow records → the hub's vocabulary. Pure: no I/O, no clock, no randomness. This is the only module where MLflow
 * field names meet ours (reference §2.4 and the §5 mapping table).
 */

/** What every normaliser needs to know about the source. */
export interface NormaliseContext {
  /** Tracking URI without a trailing slash; deep links are built on it. */
  trackingUri: string;
  /** Alias names that mean "serves production" (compared case-insensitively). */
  productionAliases: readonly string[];
  /** The source's environment rule, for the logical deployments. */
  classifyEnvironment: EnvironmentClassifier;
}

/** A record that cannot be normalised; the listing turns it into a {@link RecordError}. */
export class NormaliseError extends Error {
  override name = 'NormaliseError';
}

export function versionExternalId(modelName: string, version: string): string {
  return `${modelName}/${version}`;
}

export function modelDeepLink(trackingUri: string, name: string): string {
  return `${trackingUri}/#/models/${encodeURIComponent(name)}`;
}

export function versionDeepLink(trackingUri: string, name: string, version: string): string {
  return `${modelDeepLink(trackingUri, name)}/versions/${encodeURIComponent(version)}`;
}

/**
 * A registered model. `versions` are the model's versions from `model-versions/search` (any order); the owner falls
 * back to the creator of the latest one when the model carries no `owner` tag.
 */
export function normaliseModel(raw: MlflowRegisteredModel, versions: readonly MlflowModelVersion[], context: NormaliseContext): NormalisedModel {
  const name = requireString(raw?.name, 'registered model has no name');
  const tags = tagMap(raw.tags);
  // latest_versions duplicates what the versions carry and changes whenever any version does: leaving it out keeps
  // the model's content hash about the model itself.
  const { latest_versions: _latest, ...attributes } = raw;
  return {
    externalId: name,
    name,
    description: nonEmpty(raw.description),
    owner: nonEmpty(tags.owner) ?? nonEmpty(latestVersion(versions)?.user_id),
    tags,
    deepLink: modelDeepLink(context.trackingUri, name),
    createdAt: toDate(raw.creation_timestamp, 'creation_timestamp'),
    updatedAt: toDate(raw.last_updated_timestamp, 'last_updated_timestamp'),
    vendorAttributes: attributes,
  };
}

/**
 * A model version with the run behind it (null when it has none or the run could not be read: the version is kept
 * without run lineage) and the name of the run's experiment, when known. `modelAliases` are the registered model's
 * `aliases`, so an alias that only the model record carries still marks the version as production.
 */
export function normaliseVersion(
  raw: MlflowModelVersion,
  run: MlflowRun | null,
  modelAliases: MlflowRegisteredModel['aliases'],
  context: NormaliseContext,
  experimentName: string | null = null,
): NormalisedVersion {
  const name = requireString(raw?.name, 'model version has no registered model name');
  const version = versionLabel(raw.version);
  const runTags = tagMap(run?.data?.tags);
  const aliases = new Set([...(raw.aliases ?? []), ...(modelAliases ?? []).filter((a) => a?.version === version).map((a) => a.alias ?? '')]);
  const productionAlias = [...aliases].find((alias) => isProductionAlias(alias, context));
  const stage = mapStage(raw.current_stage);
  return {
    externalId: versionExternalId(name, version),
    modelExternalId: name,
    version,
    versionNumber: /^\d+$/.test(version) ? Number(version) : null,
    description: nonEmpty(raw.description),
    observedStage: productionAlias ? 'PRODUCTION' : stage,
    observedStageRaw: productionAlias ? `${raw.current_stage ?? 'None'} @${productionAlias}` : (nonEmpty(raw.current_stage) ?? null),
    status: versionStatus(raw.status),
    statusRaw: nonEmpty(raw.status),
    createdBy: nonEmpty(raw.user_id) ?? nonEmpty(runTags['mlflow.user']) ?? nonEmpty(run?.info?.user_id),
    artifactUri: nonEmpty(raw.source),
    lineage: {
      runId: nonEmpty(raw.run_id) ?? nonEmpty(run?.info?.run_id),
      projectId: nonEmpty(run?.info?.experiment_id),
      projectName: experimentName,
      commitId: nonEmpty(runTags['mlflow.source.git.commit']),
      datasets: datasetsOf(run),
    },
    metrics: versionMetrics(raw, run),
    params: tagMap(run?.data?.params),
    tags: tagMap(raw.tags),
    deepLink: versionDeepLink(context.trackingUri, name, version),
    createdAt: toDate(raw.creation_timestamp, 'creation_timestamp'),
    updatedAt: toDate(raw.last_updated_timestamp, 'last_updated_timestamp'),
    vendorAttributes: run ? { ...raw, run } : { ...raw },
  };
}

/**
 * MLflow OSS has no deployments; the hub observes two kinds of logical deployment instead:
 * - every alias (`<model>@<alias>`), from the registered model's `aliases` and, for servers that only put them on
 *   versions, from each version's `aliases`;
 * - every version in the legacy `Production` stage (`<model>#stage:Production`).
 */
export function normaliseDeployments(
  model: MlflowRegisteredModel,
  versions: readonly MlflowModelVersion[],
  context: NormaliseContext,
): { deployments: NormalisedDeployment[]; errors: RecordError[] } {
  const name = requireString(model?.name, 'registered model has no name');
  const deployments: NormalisedDeployment[] = [];
  const errors: RecordError[] = [];
  const aliasTargets = new Map<string, string>();
  for (const entry of model.aliases ?? []) {
    if (typeof entry?.alias !== 'string' || entry.alias === '' || entry.version === undefined || entry.version === null) {
      errors.push({ kind: 'deployment', externalId: `${name}@${entry?.alias ?? '?'}`, reason: 'alias entry without an alias name or a version' });
      continue;
    }
    aliasTargets.set(entry.alias, String(entry.version));
  }
  for (const version of versions) {
    for (const alias of version.aliases ?? []) {
      if (typeof alias === 'string' && alias !== '' && !aliasTargets.has(alias) && version.version !== undefined) aliasTargets.set(alias, String(version.version));
    }
  }
  for (const [alias, version] of [...aliasTargets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    deployments.push({
      externalId: `${name}@${alias}`,
      versionExternalId: versionExternalId(name, version),
      name: alias,
      // An alias is live as long as it exists; its name is MLflow's only word for where it serves.
      ...context.classifyEnvironment({ name: alias, tags: {}, vendorEnvironment: alias, vendorDefault: isProductionAlias(alias, context) ? 'PRODUCTION' : 'UNKNOWN', active: true }),
      tags: {},
      // An alias has no status of its own: it serves for as long as it exists.
      status: 'ACTIVE',
      statusRaw: null,
      metrics: [],
      endpointUrl: null,
      trafficShare: null,
      deepLink: versionDeepLink(context.trackingUri, name, version),
      // MLflow does not timestamp aliases.
      createdAt: null,
      updatedAt: null,
      vendorAttributes: { registered_model: name, alias, version },
    });
  }
  for (const version of versions) {
    if (mapStage(version.current_stage) !== 'PRODUCTION' || version.version === undefined) continue;
    const label = String(version.version);
    deployments.push({
      externalId: `${name}#stage:Production`,
      versionExternalId: versionExternalId(name, label),
      name: 'Production',
      ...context.classifyEnvironment({ name: 'Production', tags: {}, vendorEnvironment: 'Production', vendorDefault: 'PRODUCTION', active: true }),
      tags: {},
      // The stage has no status of its own: the version's registration status says whether it can serve.
      status: stageDeploymentStatus(version.status),
      statusRaw: nonEmpty(version.status),
      metrics: [],
      endpointUrl: null,
      trafficShare: null,
      deepLink: versionDeepLink(context.trackingUri, name, label),
      createdAt: null,
      updatedAt: null,
      vendorAttributes: { registered_model: name, version: label, current_stage: version.current_stage },
    });
  }
  // Legacy stages allow several Production versions of one model; MLflow keeps them all, so the stage deployment's
  // key gets the version appended when there is more than one.
  const stageDeployments = deployments.filter((d) => d.externalId === `${name}#stage:Production`);
  if (stageDeployments.length > 1) {
    for (const deployment of stageDeployments) deployment.externalId = `${name}#stage:Production/${deployment.vendorAttributes.version as string}`;
  }
  return { deployments, errors };
}

/** Legacy stage → observed stage. A registry without stages (Unity Catalog, MLflow 3) leaves it absent: NONE. */
export function mapStage(stage: string | undefined | null): ObservedStage {
  if (stage === undefined || stage === null || stage === '') return 'NONE';
  switch (stage.toLowerCase()) {
    case 'none':
      return 'NONE';
    case 'staging':
      return 'STAGING';
    case 'production':
      return 'PRODUCTION';
    case 'archived':
      return 'ARCHIVED';
    default:
      return 'UNKNOWN';
  }
}

export function isProductionAlias(alias: string, context: Pick<NormaliseContext, 'productionAliases'>): boolean {
  const lower = alias.toLowerCase();
  return context.productionAliases.some((candidate) => candidate.toLowerCase() === lower);
}

/** A {@link RecordError} from anything a normaliser threw. */
export function recordError(kind: RecordError['kind'], externalId: string, error: unknown): RecordError {
  return { kind, externalId, reason: error instanceof Error ? error.message : String(error) };
}

function latestVersion(versions: readonly MlflowModelVersion[]): MlflowModelVersion | undefined {
  let latest: MlflowModelVersion | undefined;
  for (const version of versions) {
    if (latest === undefined || Number(version.version) > Number(latest.version)) latest = version;
  }
  return latest;
}

function versionLabel(value: unknown): string {
  // The proto says string; tolerate a bare integer from other implementations.
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return requireString(value, 'model version has no version');
}

/** Model version `status` (`PENDING_REGISTRATION | FAILED_REGISTRATION | READY`, reference §2.4) → the hub's vocabulary. */
export function versionStatus(status: string | undefined | null): VersionStatus {
  switch (status) {
    case 'READY':
      return 'READY';
    case 'PENDING_REGISTRATION':
      return 'PENDING';
    case 'FAILED_REGISTRATION':
      return 'FAILED';
    default:
      return 'UNKNOWN';
  }
}

function stageDeploymentStatus(status: string | undefined | null): DeploymentStatus {
  // A registry that omits `status` (proto default) still serves the stage.
  if (status === undefined || status === null || status === '') return 'ACTIVE';
  const mapped = versionStatus(status);
  return mapped === 'READY' ? 'ACTIVE' : mapped === 'UNKNOWN' ? 'UNKNOWN' : mapped;
}

/**
 * The version's metrics: the run's `data.metrics` (the latest value per key, with its step and time) and, for keys the
 * run does not have, MLflow 3's `model_metrics` (unconfirmed.ts). Each key's kind follows the shared name rule
 * (shared/metric-kind.ts): `val_auc` is VALIDATION, `auc` TRAINING.
 */
export function versionMetrics(version: MlflowModelVersion, run: MlflowRun | null): Metric[] {
  const byName = new Map<string, Metric>();
  for (const metric of [...modelMetricsOf(version), ...(run?.data?.metrics ?? [])]) {
    const value = finiteNumber(metric?.value);
    if (typeof metric?.key !== 'string' || metric.key === '' || value === null) continue;
    const step = Number.isSafeInteger(metric.step) ? (metric.step as number) : null;
    const timestamp = finiteNumber(metric.timestamp) === null ? null : new Date(metric.timestamp as number);
    byName.set(metric.key, { name: metric.key, value, step, timestamp: timestamp && !Number.isNaN(timestamp.getTime()) ? timestamp : null, kind: metricKindFromName(metric.key) });
  }
  return sortMetrics([...byName.values()]);
}

function datasetsOf(run: MlflowRun | null): DatasetRef[] {
  const datasets: DatasetRef[] = [];
  for (const input of run?.inputs?.dataset_inputs ?? []) {
    const dataset = input?.dataset;
    if (typeof dataset?.name !== 'string' || dataset.name === '') continue;
    datasets.push({ name: dataset.name, digest: nonEmpty(dataset.digest), source: nonEmpty(dataset.source) });
  }
  return datasets;
}

function tagMap(tags: MlflowKeyValue[] | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const tag of Array.isArray(tags) ? tags : []) {
    if (typeof tag?.key === 'string' && tag.key !== '') map[tag.key] = typeof tag.value === 'string' ? tag.value : '';
  }
  return map;
}

/** Epoch milliseconds → Date. Absent → null; present but not a number → the record is malformed. */
function toDate(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new NormaliseError(`${field} is not epoch milliseconds: ${JSON.stringify(value)}`);
  return new Date(ms);
}

function requireString(value: unknown, message: string): string {
  if (typeof value !== 'string' || value === '') throw new NormaliseError(message);
  return value;
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
