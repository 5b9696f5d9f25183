import type { DeploymentStatus, Metric, NormalisedDeployment, NormalisedModel, NormalisedVersion, ObservedStage, RecordError, VersionStatus } from '../contract.js';
import { finiteNumber, metricKindFromName, sortMetrics } from '../shared/metric-kind.js';
import type { EnvironmentClassifier } from '../shared/environment.js';
import {
  MODEL_API_FIELDS,
  MODEL_API_STATUS_MAP,
  MODEL_API_VERSION_FIELDS,
  REGISTERED_MODEL_FIELDS,
  REGISTERED_VERSION_FIELDS,
  REGISTRY_SOURCE_TYPE,
  STAGE_MAP,
  VERSION_STATUS_MAP,
  modelApiLink,
  registeredModelLink,
  registeredVersionLink,
} from './unconfirmed.js';

/**
 * Domino records → the hub's vocabulary. Pure: raw record in, normalised record (or a RecordError) out; no I/O,
 * no clock. Field names whose Domino spelling is `unconfirmed` come from ./unconfirmed.ts as candidate lists.
 */

export interface NormaliseContext {
  /** The Domino host without a trailing slash, for UI links. */
  host: string;
  /** The source's environment rule. */
  classifyEnvironment: EnvironmentClassifier;
}

export type Normalised<T> = { ok: true; record: T } | { ok: false; error: RecordError };

type Raw = Record<string, unknown>;

/** A registered model. externalId = its name (the key of every v1 registry path). */
export function normaliseRegisteredModel(raw: unknown, ctx: NormaliseContext): Normalised<NormalisedModel> {
  if (!isRecord(raw)) return failure('model', '(registered model)', 'the registered model is not a JSON object');
  const name = asString(pick(raw, REGISTERED_MODEL_FIELDS.name));
  if (!name) return failure('model', '(registered model without a name)', 'the registered model has no name');
  return {
    ok: true,
    record: {
      externalId: name,
      name,
      description: asString(pick(raw, REGISTERED_MODEL_FIELDS.description)),
      owner: asString(pick(raw, REGISTERED_MODEL_FIELDS.owner)),
      tags: asTags(pick(raw, REGISTERED_MODEL_FIELDS.tags)),
      deepLink: registeredModelLink(ctx.host, name),
      createdAt: asTimestamp(pick(raw, REGISTERED_MODEL_FIELDS.createdAt)),
      updatedAt: asTimestamp(pick(raw, REGISTERED_MODEL_FIELDS.updatedAt)),
      vendorAttributes: raw,
    },
  };
}

/** The registered name of a model record, or null; the connector uses it to list the model's versions. */
export function registeredModelName(raw: unknown): string | null {
  return isRecord(raw) ? asString(pick(raw, REGISTERED_MODEL_FIELDS.name)) : null;
}

/**
 * A registered model version, listed under `modelName`. externalId = `${modelName}/${version}`, the same key a
 * Model API version's `source` yields, so deployments link without a lookup.
 */
export function normaliseRegisteredVersion(raw: unknown, modelName: string, ctx: NormaliseContext): Normalised<NormalisedVersion> {
  if (!isRecord(raw)) return failure('version', `${modelName}/?`, 'the registered model version is not a JSON object');
  const version = registeredVersionLabel(raw);
  if (!version) return failure('version', `${modelName}/?`, 'the registered model version has no version number');
  const stageRaw = asString(pick(raw, REGISTERED_VERSION_FIELDS.stage));
  const runId = asString(pick(raw, REGISTERED_VERSION_FIELDS.runId));
  const experimentId = asString(pick(raw, REGISTERED_VERSION_FIELDS.experimentId));
  return {
    ok: true,
    record: {
      externalId: `${modelName}/${version}`,
      modelExternalId: modelName,
      version,
      versionNumber: /^\d+$/.test(version) ? Number(version) : null,
      description: asString(pick(raw, REGISTERED_VERSION_FIELDS.description)),
      observedStage: observedStage(stageRaw),
      observedStageRaw: stageRaw,
      status: versionStatus(asString(pick(raw, REGISTERED_VERSION_FIELDS.status))),
      statusRaw: asString(pick(raw, REGISTERED_VERSION_FIELDS.status)),
      createdBy: asString(pick(raw, REGISTERED_VERSION_FIELDS.createdBy)),
      artifactUri: asString(pick(raw, REGISTERED_VERSION_FIELDS.artifactUri)),
      lineage: {
        runId,
        // Domino's lineage home is the project; the MLflow experiment stands in when no project is given.
        projectId: asString(pick(raw, REGISTERED_VERSION_FIELDS.projectId)) ?? experimentId,
        commitId: asString(pick(raw, REGISTERED_VERSION_FIELDS.commitId)),
      },
      metrics: asMetrics(pick(raw, REGISTERED_VERSION_FIELDS.metrics)),
      params: {},
      tags: asTags(pick(raw, REGISTERED_VERSION_FIELDS.tags)),
      deepLink: registeredVersionLink(ctx.host, modelName, version),
      createdAt: asTimestamp(pick(raw, REGISTERED_VERSION_FIELDS.createdAt)),
      updatedAt: asTimestamp(pick(raw, REGISTERED_VERSION_FIELDS.updatedAt)),
      vendorAttributes: raw,
    },
  };
}

/** The version label ("3") of a registered version record, or null when it has none. */
export function registeredVersionLabel(raw: unknown): string | null {
  if (!isRecord(raw)) return null;
  const value = pick(raw, REGISTERED_VERSION_FIELDS.version);
  const label = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : '';
  return label === '' ? null : label;
}

/** The id of a Model API record, or null. */
export function modelApiId(raw: unknown): string | null {
  return isRecord(raw) ? asString(raw.id) : null;
}

/** The id of the Model API's active version (`activeVersion.id`), or null when it has none. */
export function activeVersionId(api: unknown): string | null {
  return isRecord(api) && isRecord(api.activeVersion) ? asString(api.activeVersion.id) : null;
}

/**
 * The active version inline on the Model API, when it already carries its `source` (then no versions call is
 * needed); null otherwise.
 */
export function inlineActiveVersion(api: unknown): Raw | null {
  return isRecord(api) && isRecord(api.activeVersion) && isRecord(api.activeVersion.source) ? api.activeVersion : null;
}

/** The id of a ModelApiVersion record, or null. */
export function modelApiVersionId(raw: unknown): string | null {
  return isRecord(raw) ? asString(raw.id) : null;
}

/**
 * A Model API → a deployment. `activeVersion` is the ModelApiVersion the API serves (null when it has none or it
 * could not be read); its `source` links the deployment to the registered version it was built from.
 * NOTE: Domino retires Model APIs by archiving them, so an archived API is reported (status `Archived`, not serving),
 * not dropped.
 */
export function normaliseModelApi(api: unknown, activeVersion: Raw | null, ctx: NormaliseContext): Normalised<NormalisedDeployment> {
  if (!isRecord(api)) return failure('deployment', '(Model API)', 'the Model API is not a JSON object');
  const id = asString(api.id);
  const name = asString(api.name);
  if (!id) return failure('deployment', `(Model API ${name ?? 'without a name'})`, 'the Model API has no id');
  const archived = api.isArchived === true;
  const liveStatus = asString(api.status) ?? (activeVersion ? asString(pick(activeVersion, MODEL_API_VERSION_FIELDS.deploymentStatus)) : null);
  const tags = { ...asTags(pick(api, MODEL_API_FIELDS.tags)), ...(activeVersion ? asTags(pick(activeVersion, MODEL_API_VERSION_FIELDS.labels)) : {}) };
  // Domino has no deployment environments (its "environment" is a compute image): a Running Model API that the rule
  // does not place by its tags or name counts as production, the reading that misses no ungoverned model.
  const { environment, environmentRaw, servingProduction } = ctx.classifyEnvironment({
    name: name ?? id,
    tags,
    vendorEnvironment: null,
    vendorDefault: 'PRODUCTION',
    active: !archived && liveStatus?.toLowerCase() === 'running',
  });
  return {
    ok: true,
    record: {
      externalId: id,
      versionExternalId: activeVersion ? registryVersionKey(activeVersion) : null,
      name: name ?? id,
      environment,
      environmentRaw,
      tags,
      status: archived ? 'INACTIVE' : modelApiStatus(liveStatus),
      statusRaw: archived ? 'Archived' : liveStatus,
      // Domino's monitoring figures (custom metrics API) are not read: the reference names the route only.
      metrics: [],
      servingProduction,
      endpointUrl: asString(api.url),
      // A Model API serves one active version; Domino splits no traffic between versions.
      trafficShare: null,
      deepLink: modelApiLink(ctx.host, id),
      createdAt: asTimestamp(pick(api, MODEL_API_FIELDS.createdAt)),
      updatedAt: asTimestamp(pick(api, MODEL_API_FIELDS.updatedAt)) ?? (activeVersion ? asTimestamp(pick(activeVersion, MODEL_API_VERSION_FIELDS.createdAt)) : null),
      vendorAttributes: { modelApi: api, activeVersion },
    },
  };
}

/** `${registeredModelName}/${registeredModelVersion}` when a Model API version was built from the registry. */
export function registryVersionKey(version: Raw): string | null {
  const type = asString(pick(version, MODEL_API_VERSION_FIELDS.sourceType));
  if (type?.toLowerCase() !== REGISTRY_SOURCE_TYPE) return null;
  const name = asString(pick(version, MODEL_API_VERSION_FIELDS.sourceModelName));
  const number = pick(version, MODEL_API_VERSION_FIELDS.sourceModelVersion);
  if (!name || (typeof number !== 'number' && typeof number !== 'string') || String(number) === '') return null;
  return `${name}/${String(number)}`;
}

/** A readable message from Domino's failure envelope `{requestId, errors: [...]}`; '' when the body is not one. */
export function describeDominoError(_status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (!isRecord(parsed) || !Array.isArray(parsed.errors)) return '';
    const messages = parsed.errors.map((e) => (typeof e === 'string' ? e : isRecord(e) && typeof e.message === 'string' ? e.message : JSON.stringify(e)));
    const requestId = asString(parsed.requestId);
    return messages.join('; ') + (requestId ? ` (request ${requestId})` : '');
  } catch {
    return '';
  }
}

function observedStage(raw: string | null): ObservedStage {
  if (raw === null) return 'NONE';
  return STAGE_MAP[raw.toLowerCase()] ?? 'UNKNOWN';
}

// ---------------------------------------------------------------------------------------------------------------
// Tolerant readers

function failure(kind: RecordError['kind'], externalId: string, reason: string): Normalised<never> {
  return { ok: false, error: { kind, externalId, reason } };
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first candidate path (dot-separated) that holds a value other than undefined/null. */
function pick(raw: Raw, paths: readonly string[]): unknown {
  for (const path of paths) {
    let value: unknown = raw;
    for (const key of path.split('.')) value = isRecord(value) ? value[key] : undefined;
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function asString(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** ISO-8601 strings, epoch milliseconds, or (below 1e11, i.e. before 1973 in ms) epoch seconds. */
function asTimestamp(value: unknown): Date | null {
  let date: Date | null = null;
  if (typeof value === 'number' && Number.isFinite(value)) date = new Date(value < 1e11 ? value * 1000 : value);
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) return asTimestamp(Number(value));
  else if (typeof value === 'string') date = new Date(value);
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

/** A `{key: value}` map, or an array of `{key|name, value}` pairs or strings (`key=value`, or a bare key). */
function asTags(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'string') {
        const split = item.indexOf('=');
        if (split > 0) tags[item.slice(0, split)] = item.slice(split + 1);
        else if (item !== '') tags[item] = '';
      }
      else if (isRecord(item)) {
        const key = asString(item.key ?? item.name);
        if (key) tags[key] = asString(item.value) ?? '';
      }
    }
  } else if (isRecord(value)) {
    for (const [key, tagValue] of Object.entries(value)) tags[key] = asString(tagValue) ?? '';
  }
  return tags;
}

/** A registered version's `status` (unconfirmed.ts) → the hub's vocabulary; absent or unlisted → UNKNOWN. */
export function versionStatus(status: string | null): VersionStatus {
  return (status && VERSION_STATUS_MAP[status.toLowerCase()]) || 'UNKNOWN';
}

/** A Model API's `status` (unconfirmed.ts) → the hub's vocabulary; absent or unlisted → UNKNOWN. */
export function modelApiStatus(status: string | null): DeploymentStatus {
  return (status && MODEL_API_STATUS_MAP[status.toLowerCase()]) || 'UNKNOWN';
}

/**
 * A `{name: number}` map, or an array of `{key|name, value, step?, timestamp?}` (MLflow's metric shape, which Domino's
 * MLflow-backed registry is assumed to pass on); non-numeric values are left out. Kinds follow the shared name rule.
 */
function asMetrics(value: unknown): Metric[] {
  const items: Array<{ name: string | null; value: unknown; step?: unknown; timestamp?: unknown }> = Array.isArray(value)
    ? value.filter(isRecord).map((item) => ({ name: asString(item.key ?? item.name), value: item.value, step: item.step, timestamp: item.timestamp }))
    : isRecord(value)
      ? Object.entries(value).map(([name, metric]) => ({ name, value: metric }))
      : [];
  const byName = new Map<string, Metric>();
  for (const item of items) {
    const number = finiteNumber(item.value);
    if (!item.name || number === null) continue;
    const step = Number.isSafeInteger(item.step) ? (item.step as number) : null;
    byName.set(item.name, { name: item.name, value: number, step, timestamp: asTimestamp(item.timestamp), kind: metricKindFromName(item.name) });
  }
  return sortMetrics([...byName.values()]);
}
