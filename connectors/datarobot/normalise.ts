import type { Metric, NormalisedDeployment, NormalisedModel, NormalisedVersion, RecordError } from '../contract.js';
import { finiteNumber, sortMetrics } from '../shared/metric-kind.js';
import type { DeploymentEvidence, EnvironmentClassifier } from '../shared/environment.js';
import {
  buildStatusOf,
  deploymentCreatedAt,
  deploymentStatusOf,
  deploymentEnvironment,
  deploymentTagList,
  isActiveDeploymentStatus,
  observedStageOf,
  predictionUrl,
  uiRoutes,
  userLabel,
  versionCreator,
  type ProjectRef,
  versionDescription,
} from './unconfirmed.js';
import type { RawDeployment, RawHealth, RawLeaderboardModel, RawModelVersion, RawRegisteredModel } from './wire.js';

/**
 * DataRobot records → the hub's vocabulary. Pure: no I/O, no clock, no randomness. A record that cannot be
 * normalised throws {@link DataRobotRecordInvalid}; {@link normaliseEach} turns that into a batch error.
 */

export interface NormaliseContext {
  /** Web UI root (the API endpoint without `/api/v2`), for deep links. */
  uiBase: string;
  /** The source's environment rule. */
  classifyEnvironment: EnvironmentClassifier;
}

export class DataRobotRecordInvalid extends Error {
  override name = 'DataRobotRecordInvalid';
}

export function normaliseRegisteredModel(raw: RawRegisteredModel, ctx: NormaliseContext): NormalisedModel {
  const id = requireString(raw.id, 'id');
  return {
    externalId: id,
    name: requireString(raw.name, 'name'),
    description: optionalText(raw.description),
    owner: userLabel(raw.createdBy),
    tags: {},
    deepLink: ctx.uiBase + uiRoutes.registeredModel(id),
    createdAt: parseTimestamp(raw.createdAt, 'createdAt'),
    updatedAt: parseTimestamp(raw.modifiedAt, 'modifiedAt'),
    vendorAttributes: { ...raw },
  };
}

/**
 * A registered model version (= model package). `parentId` is the registered model the listing came from,
 * used when the record does not name its parent itself. `leaderboardModel` is the Leaderboard model it was built from
 * (`GET /projects/{projectId}/models/{modelId}/`), whose scores become the version's metrics; null when unknown.
 * `project` is that model's AutoML project (the training lineage), when known.
 */
export function normaliseModelVersion(
  raw: RawModelVersion,
  parentId: string | null,
  ctx: NormaliseContext,
  leaderboardModel: RawLeaderboardModel | null = null,
  project: ProjectRef | null = null,
): NormalisedVersion {
  const id = requireString(raw.id, 'id');
  const modelExternalId = optionalText(raw.registeredModelId) ?? parentId;
  const number = raw.registeredModelVersion;
  if (number !== undefined && number !== null && !Number.isInteger(number)) {
    throw new DataRobotRecordInvalid(`registeredModelVersion is not an integer (${JSON.stringify(number)})`);
  }
  const stageRaw = optionalText(raw.stage);
  return {
    externalId: id,
    modelExternalId,
    version: typeof number === 'number' ? String(number) : (optionalText(raw.name) ?? id),
    versionNumber: typeof number === 'number' ? number : null,
    description: versionDescription(raw),
    observedStage: observedStageOf(stageRaw, raw.isArchived),
    observedStageRaw: stageRaw,
    status: buildStatusOf(optionalText(raw.buildStatus)),
    statusRaw: optionalText(raw.buildStatus),
    createdBy: versionCreator(raw),
    // DataRobot packages are built server-side; there is no artifact location to show.
    artifactUri: null,
    // The algorithm of the Leaderboard model the package was built from (`eXtreme Gradient Boosted Trees Classifier`).
    framework: optionalText(leaderboardModel?.modelType) ?? undefined,
    // projectName only where a project is known, so versions without one keep the lineage (and hash) they had.
    lineage: project
      ? { runId: optionalText(raw.modelId), projectId: project.projectId, projectName: project.projectName }
      : { runId: optionalText(raw.modelId), projectId: optionalText(leaderboardModel?.projectId) },
    metrics: leaderboardMetrics(leaderboardModel),
    params: {},
    tags: tagsOf(raw.tags),
    deepLink: modelExternalId ? ctx.uiBase + uiRoutes.registeredModelVersion(modelExternalId, id) : null,
    createdAt: parseTimestamp(raw.createdAt, 'createdAt'),
    // Packages carry no last-modified field (reference §3.8).
    updatedAt: null,
    // The Leaderboard model is kept beside the package, for its raw scores (`leaderboardModel.metrics`).
    vendorAttributes: leaderboardModel ? { ...raw, leaderboardModel } : { ...raw },
  };
}

/**
 * The Leaderboard model's partitions, as DataRobot names them in each metric's scores. Every one is held-out data
 * (DataRobot scores models only on data they were not fitted on), so each is a VALIDATION metric; the partition is
 * appended to the metric's name (`AUC.validation`, `AUC.crossValidation`, `AUC.holdout`, `AUC.backtesting`), since one
 * version has a score per partition.
 */
const LEADERBOARD_PARTITIONS = ['validation', 'crossValidation', 'holdout', 'backtesting'] as const;

/**
 * A Leaderboard model's `metrics` object (`{"AUC": {"validation": 0.99988, "holdout": null, …}, …}`, recorded in
 * getModel.json) → metrics. Null scores (a partition not computed or not unlocked) are left out; `backtestingScores`
 * (one score per backtest) is not a single figure and stays in vendorAttributes.
 */
export function leaderboardMetrics(model: RawLeaderboardModel | null): Metric[] {
  const metrics: Metric[] = [];
  const scores = model?.metrics;
  if (!scores || typeof scores !== 'object' || Array.isArray(scores)) return metrics;
  for (const [name, partitions] of Object.entries(scores)) {
    if (name === '' || !partitions || typeof partitions !== 'object') continue;
    for (const partition of LEADERBOARD_PARTITIONS) {
      const value = finiteNumber((partitions as Record<string, unknown>)[partition]);
      if (value !== null) metrics.push({ name: `${name}.${partition}`, value, step: null, timestamp: null, kind: 'VALIDATION' });
    }
  }
  return sortMetrics(metrics);
}

/**
 * A deployment. Its version link is `modelPackage.id`; older servers only name the Leaderboard model
 * (`model.id`), which the connector resolves to a package id and passes as `legacyVersionId`.
 */
export function normaliseDeployment(raw: RawDeployment, ctx: NormaliseContext, legacyVersionId: string | null = null): NormalisedDeployment {
  const id = requireString(raw.id, 'id');
  const evidence = deploymentEvidence(raw, id);
  const { environment, environmentRaw, servingProduction } = ctx.classifyEnvironment(evidence);
  return {
    externalId: id,
    versionExternalId: optionalText(raw.modelPackage?.id) ?? legacyVersionId,
    name: evidence.name,
    environment,
    environmentRaw,
    tags: { ...evidence.tags },
    status: deploymentStatusOf(optionalText(raw.status)),
    statusRaw: optionalText(raw.status),
    // NOTE: the deployment record carries service, drift and accuracy health only as words (`passing`, `failing`, …);
    // they stay in vendorAttributes. The numeric service figures are a separate, rolling-window route (not read).
    metrics: [],
    servingProduction,
    endpointUrl: predictionUrl(optionalText(raw.defaultPredictionServer?.url) ?? undefined, id),
    // One deployment serves one champion package; DataRobot does not split traffic across versions.
    trafficShare: null,
    deepLink: ctx.uiBase + uiRoutes.deployment(id),
    createdAt: parseTimestamp(deploymentCreatedAt(raw), 'createdAt'),
    updatedAt: null,
    vendorAttributes: stableDeploymentAttributes(raw),
  };
}

/**
 * What the environment rule reads of a deployment: its label, tags, and prediction environment's name. DataRobot has
 * no production flag, so an active deployment the rule places nowhere counts as production (the reading that misses
 * no ungoverned model). `importance` (CRITICAL … LOW) says how much a deployment matters, not where it runs: unused.
 */
function deploymentEvidence(raw: RawDeployment, id: string): DeploymentEvidence {
  return {
    name: optionalText(raw.label) ?? id,
    tags: tagsOf(deploymentTagList(raw)),
    vendorEnvironment: deploymentEnvironment(raw),
    vendorDefault: 'PRODUCTION',
    active: isActiveDeploymentStatus(optionalText(raw.status)),
  };
}

/** The Leaderboard model id of a deployment that has no `modelPackage` link (older servers); else null. */
export function legacyModelIdOf(raw: RawDeployment): string | null {
  if (optionalText(raw.modelPackage?.id)) return null;
  return optionalText(raw.model?.id);
}

/**
 * The deployment as stored for BI and audit, minus what changes without the deployment changing (rolling
 * health windows, prediction counters) and minus the prediction server's `datarobot-key`, a credential that
 * prediction clients send.
 */
export function stableDeploymentAttributes(raw: RawDeployment): Record<string, unknown> {
  const { predictionUsage: _usage, ...rest } = raw;
  const attributes: Record<string, unknown> = { ...rest };
  for (const key of ['serviceHealth', 'modelHealth', 'accuracyHealth', 'fairnessHealth'] as const) {
    const health = raw[key] as RawHealth | null | undefined;
    if (health && typeof health === 'object') {
      const { startDate: _start, endDate: _end, ...kept } = health;
      attributes[key] = kept;
    }
  }
  if (raw.defaultPredictionServer && typeof raw.defaultPredictionServer === 'object') {
    const { 'datarobot-key': _key, ...server } = raw.defaultPredictionServer;
    attributes.defaultPredictionServer = server;
  }
  return attributes;
}

/**
 * Normalises a page of records, turning each failure into a {@link RecordError} so one bad record never
 * costs the rest of the page.
 */
export function normaliseEach<Raw, Out>(
  records: readonly Raw[],
  kind: RecordError['kind'],
  normalise: (raw: Raw) => Out,
): { records: Out[]; errors: RecordError[] } {
  const out: Out[] = [];
  const errors: RecordError[] = [];
  records.forEach((raw, index) => {
    try {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new DataRobotRecordInvalid('record is not a JSON object');
      out.push(normalise(raw));
    } catch (error) {
      const id = (raw as { id?: unknown } | null)?.id;
      errors.push({
        kind,
        externalId: typeof id === 'string' && id !== '' ? id : `(${kind} #${index + 1} of its page, no id)`,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  });
  return { records: out, errors };
}

/** DataRobot timestamps are ISO-8601 UTC with microseconds (`2020-01-14T15:06:08.000000Z`). */
export function parseTimestamp(value: unknown, field: string): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw new DataRobotRecordInvalid(`${field} is not a timestamp string (${JSON.stringify(value)})`);
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) throw new DataRobotRecordInvalid(`${field} is not an ISO-8601 timestamp (${JSON.stringify(value)})`);
  return new Date(millis);
}

function tagsOf(tags: RawModelVersion['tags']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(tags)) return out;
  for (const tag of tags) {
    if (tag && typeof tag.name === 'string' && tag.name !== '') out[tag.name] = typeof tag.value === 'string' ? tag.value : '';
  }
  return out;
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new DataRobotRecordInvalid(`${field} is missing`);
  return value;
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** What a lifecycle write-back needs to know about a deployment, read from the raw record. */
export interface DeploymentLink {
  deploymentId: string;
  /** Package (version) id it serves; null on older servers that only name the Leaderboard model. */
  versionId: string | null;
  registeredModelId: string | null;
  active: boolean;
  servingProduction: boolean;
  /** `capabilities.supportsModelReplacement`; absent counts as supported (the replacement call then decides). */
  supportsReplacement: boolean;
}

export function deploymentLinkOf(raw: RawDeployment, classifyEnvironment: EnvironmentClassifier): DeploymentLink | null {
  const deploymentId = optionalText(raw.id);
  if (!deploymentId) return null;
  const evidence = deploymentEvidence(raw, deploymentId);
  const capabilities = raw.capabilities as { supportsModelReplacement?: unknown } | undefined;
  return {
    deploymentId,
    versionId: optionalText(raw.modelPackage?.id),
    registeredModelId: optionalText(raw.modelPackage?.registeredModelId),
    active: evidence.active,
    servingProduction: classifyEnvironment(evidence).servingProduction,
    supportsReplacement: capabilities?.supportsModelReplacement !== false,
  };
}
