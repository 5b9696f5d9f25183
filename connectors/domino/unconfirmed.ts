import type { DeploymentStatus, ObservedStage, VersionStatus } from '../contract.js';

/**
 * Every assumption about Domino's REST API that the reference (`source-apis.md` §4) marks `unconfirmed`, in one
 * place. Nothing here was checked against a live Domino or its OpenAPI spec: the connector reads these shapes
 * tolerantly (several candidate spellings, missing fields allowed), and when a real Domino disagrees, this is the
 * only file to change. The simulator renders the first spelling of each list.
 *
 * Confirmed facts live elsewhere: the routes and auth headers (client.ts), the ModelApiVersion wire names and the
 * `{requestId, errors}` failure envelope (normalise.ts), `id`/`name`/`isArchived`/`activeVersion`/`status`/`url`/
 * `projectId` on a Model API.
 */

// ---------------------------------------------------------------------------------------------------------------
// List envelopes

/**
 * `unconfirmed`: list envelopes. The Model API list is documented (by third-party code) as
 * `{items, metadata: {pagination: {offset, limit, totalCount}}}`; the registered-model lists are not documented at
 * all. Accepted here: that envelope, `{data: [...]}` (optionally with the same metadata or a top-level
 * `totalCount`), and a bare array (as ModelApiVersion lists are, per the generated client).
 */
export const LIST_ITEM_KEYS = ['items', 'data'] as const;

/** One page of a list as the connector understands it, whatever the envelope. */
export interface ListPage {
  items: unknown[];
  /** Total number of items the server reports, when it reports one. */
  totalCount: number | null;
  /** True when the envelope carries pagination metadata (so asking for the next offset makes sense). */
  paginated: boolean;
}

/** Reads a list response in any accepted envelope; null when the body is none of them. Pure. */
export function readListEnvelope(body: unknown): ListPage | null {
  if (Array.isArray(body)) return { items: body, totalCount: null, paginated: false };
  if (!isRecord(body)) return null;
  const key = LIST_ITEM_KEYS.find((candidate) => Array.isArray(body[candidate]));
  if (!key) return null;
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const pagination = isRecord(metadata.pagination) ? metadata.pagination : isRecord(body.pagination) ? body.pagination : null;
  const total = pagination?.totalCount ?? body.totalCount ?? body.total;
  return {
    items: body[key] as unknown[],
    totalCount: typeof total === 'number' && Number.isFinite(total) ? total : null,
    paginated: pagination !== null || typeof body.totalCount === 'number',
  };
}

/**
 * `unconfirmed`: the largest `limit` Domino honours. The docs name `offset`/`limit` but no maximum; 100 is a
 * conservative guess that the simulator also enforces as its cap. The connector asks for `DEFAULT_PAGE_SIZE` and
 * copes with a server that returns fewer (it pages until the server says it is done).
 */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

// ---------------------------------------------------------------------------------------------------------------
// Field names of objects whose Domino JSON is undocumented. Paths use dots for nesting; first hit wins.

/** `unconfirmed`: registered model (`/api/registeredmodels/v2` items). MLflow-like plus Domino extras. */
export const REGISTERED_MODEL_FIELDS = {
  name: ['name', 'modelName'],
  description: ['description'],
  owner: ['ownerUsername', 'owner.userName', 'owner.username', 'owner', 'createdBy', 'project.ownerUsername'],
  projectId: ['project.id', 'projectId'],
  tags: ['tags'],
  createdAt: ['createdAt', 'creationTimestamp', 'creation_timestamp', 'created'],
  updatedAt: ['updatedAt', 'lastUpdated', 'lastUpdatedTimestamp', 'last_updated_timestamp', 'modifiedAt'],
} as const;

/** `unconfirmed`: registered model version (`/api/registeredmodels/v1/{name}/versions` items). */
export const REGISTERED_VERSION_FIELDS = {
  modelName: ['modelName', 'registeredModelName', 'name'],
  version: ['modelVersion', 'version', 'versionNumber', 'number'],
  description: ['description'],
  stage: ['stage', 'currentStage', 'current_stage'],
  status: ['status'],
  createdBy: ['ownerUsername', 'createdBy', 'userName', 'user_id', 'metadata.createdBy'],
  runId: ['experimentRunId', 'runId', 'run_id'],
  experimentId: ['experimentId', 'experiment_id'],
  projectId: ['project.id', 'projectId'],
  artifactUri: ['artifactUri', 'source', 'storageLocation'],
  commitId: ['commitId'],
  tags: ['tags'],
  metrics: ['metrics'],
  createdAt: ['createdAt', 'creationTimestamp', 'creation_timestamp', 'metadata.created'],
  updatedAt: ['updatedAt', 'lastUpdated', 'lastUpdatedTimestamp', 'last_updated_timestamp', 'modifiedAt'],
} as const;

/** `unconfirmed` beyond the documented keys: Model API timestamps, description and tags. */
export const MODEL_API_FIELDS = {
  description: ['description'],
  tags: ['tags', 'labels'],
  createdAt: ['createdAt', 'created', 'metadata.created'],
  updatedAt: ['updatedAt', 'lastModified', 'modifiedAt', 'metadata.lastModified'],
} as const;

/**
 * `unconfirmed`: the inner shapes of ModelApiVersion `source`, `metadata` and `deployment` (the generated classes
 * were not readable). Shaped after the reference example.
 */
export const MODEL_API_VERSION_FIELDS = {
  sourceType: ['source.type'],
  sourceModelName: ['source.registeredModelName', 'source.modelName'],
  sourceModelVersion: ['source.registeredModelVersion', 'source.modelVersion', 'source.version'],
  createdAt: ['metadata.created', 'createdAt'],
  createdBy: ['metadata.createdBy', 'createdBy'],
  deploymentStatus: ['deployment.status'],
  /**
   * `labels` is a required ModelApiVersion member (generated client); its items' shape is not known. Read as tags
   * whatever the form (normalise.ts asTags): `key=value` strings (what the simulator sends), `{key|name, value}`
   * items, or a map; a bare string is a key without a value.
   */
  labels: ['labels'],
} as const;

/** `unconfirmed`: the `source.type` value of a Model API version built from a registered model version. */
export const REGISTRY_SOURCE_TYPE = 'registry';

/**
 * `unconfirmed`: how Domino's REST API shows a registered version's stage. Domino's registry is MLflow-backed, so
 * MLflow's stage names are assumed (compared case-insensitively); an absent stage reads as NONE, any other value
 * as UNKNOWN with the raw value kept.
 */
export const STAGE_MAP: Record<string, ObservedStage> = {
  none: 'NONE',
  staging: 'STAGING',
  production: 'PRODUCTION',
  archived: 'ARCHIVED',
};

/**
 * `unconfirmed`: a registered version's `status`. The registry is MLflow-backed, so MLflow's values are assumed
 * (`READY | PENDING_REGISTRATION | FAILED_REGISTRATION`, compared case-insensitively); anything else is UNKNOWN with the
 * raw value kept.
 */
export const VERSION_STATUS_MAP: Record<string, VersionStatus> = {
  ready: 'READY',
  pending_registration: 'PENDING',
  failed_registration: 'FAILED',
};

/**
 * A Model API's `status`. `Running` and `Failed` are documented (poll until `Running` or `Failed`); the rest are
 * `unconfirmed` guesses at Domino's lifecycle words, compared case-insensitively. An archived API is INACTIVE whatever
 * its status (normalise.ts); an unlisted value is UNKNOWN with the raw value kept.
 */
export const MODEL_API_STATUS_MAP: Record<string, DeploymentStatus> = {
  running: 'ACTIVE',
  failed: 'FAILED',
  pending: 'PENDING',
  building: 'PENDING',
  starting: 'PENDING',
  preparing: 'PENDING',
  stopping: 'INACTIVE',
  stopped: 'INACTIVE',
};

// ---------------------------------------------------------------------------------------------------------------
// UI links

/** `unconfirmed`: Domino UI paths. Built from the host only, so they cost nothing when wrong. */
export function registeredModelLink(host: string, name: string): string {
  return `${host}/registered-models/${encodeURIComponent(name)}`;
}
export function registeredVersionLink(host: string, name: string, version: string): string {
  return `${host}/registered-models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
}
export function modelApiLink(host: string, id: string): string {
  return `${host}/models/${encodeURIComponent(id)}/overview`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
