import type { DeploymentStatus, ObservedStage, VersionStatus } from '../contract.js';
import type { RawTag } from './wire.js';

/**
 * Every DataRobot fact the reference marks `unconfirmed` (source-apis.md §3), in one place.
 * Each reader tolerates the field being absent or spelled differently and falls back to "unknown"
 * rather than failing the record. When a fact gets confirmed against a real server, fix it here only.
 */

/**
 * Registered model version `stage`. The field is confirmed; its values (`Registered, Development, Staging,
 * Production, Archived`) are not. Absent stage: archived packages count as ARCHIVED, everything else as NONE.
 */
export function observedStageOf(stage: string | null | undefined, isArchived: boolean | undefined): ObservedStage {
  if (stage === null || stage === undefined || stage === '') return isArchived ? 'ARCHIVED' : 'NONE';
  switch (stage.toLowerCase()) {
    case 'registered':
    case 'development':
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

/**
 * `createdBy` / `modifiedBy` (`UserMetadata`) and deployment `owners[]`: inner fields unconfirmed, likely
 * `{id, name, email}`; some servers may send a plain string. Prefers the email, which identifies a person.
 */
export function userLabel(user: unknown): string | null {
  if (typeof user === 'string') return user.trim() || null;
  if (user && typeof user === 'object') {
    const record = user as Record<string, unknown>;
    for (const key of ['email', 'username', 'userName', 'name', 'id']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return value.trim();
    }
  }
  return null;
}

/** Version `userName` (unconfirmed) or, failing that, a `createdBy` user object (unconfirmed shape). */
export function versionCreator(raw: { userName?: unknown; createdBy?: unknown }): string | null {
  return userLabel(raw.userName) ?? userLabel(raw.createdBy);
}

/** The AutoML project a Leaderboard model belongs to: what `GET /projects/{projectId}/models/{modelId}/` needs. */
export interface ProjectRef {
  projectId: string;
  projectName: string | null;
}

/**
 * A version's own project: the reference lists `sourceMeta` and "the project/dataset lineage fields" of a registered
 * model version as unconfirmed, without their shape; the SDK describes `source_meta` as "meta information from where
 * the model was generated". Read as `sourceMeta.projectId` / `sourceMeta.projectName`, else top-level
 * `projectId` / `projectName`, when a server sends them; null otherwise (the deployments then name the project).
 */
export function versionProject(raw: Record<string, unknown>): ProjectRef | null {
  const meta = raw.sourceMeta && typeof raw.sourceMeta === 'object' && !Array.isArray(raw.sourceMeta) ? (raw.sourceMeta as Record<string, unknown>) : {};
  for (const holder of [meta, raw]) {
    const projectId = textOf(holder.projectId);
    if (projectId !== null) return { projectId, projectName: textOf(holder.projectName) };
  }
  return null;
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Version `description`: not in the reference at all; read when a server sends it. */
export function versionDescription(raw: Record<string, unknown>): string | null {
  return typeof raw.description === 'string' && raw.description.trim() !== '' ? raw.description : null;
}

/** Deployment `createdAt`: unconfirmed on the deployment object. */
export function deploymentCreatedAt(raw: Record<string, unknown>): unknown {
  return raw.createdAt ?? null;
}

/** Which fields of `predictionEnvironment` a deployment embeds is unconfirmed; its `name` is what we show. */
export function deploymentEnvironment(raw: Record<string, unknown>): string | null {
  const env = raw.predictionEnvironment;
  if (env && typeof env === 'object') {
    const name = (env as Record<string, unknown>).name;
    if (typeof name === 'string' && name.trim() !== '') return name.trim();
  }
  return null;
}

/**
 * Deployment `tags`: not in the reference. Read in the shape registered model versions use (`[{name, value}]`, as
 * confirmed there) when a server sends them; a deployment without them has no tags.
 */
export function deploymentTagList(raw: Record<string, unknown>): RawTag[] | null {
  return Array.isArray(raw.tags) ? (raw.tags as RawTag[]) : null;
}

/**
 * Deployment `status`: `active`/`inactive` are confirmed, transitional values are not. Older servers send no
 * status at all; deployments could not be deactivated then, so absence reads as active.
 */
export function isActiveDeploymentStatus(status: string | null): boolean {
  return status === null || status.toLowerCase() === 'active';
}

/**
 * Version `buildStatus`: `complete` is confirmed (Terraform waits for it); the in-progress and failure words are not.
 * Compared case-insensitively; anything unlisted is UNKNOWN with the raw value kept.
 */
export function buildStatusOf(buildStatus: string | null): VersionStatus {
  if (buildStatus === null) return 'UNKNOWN';
  switch (buildStatus.toLowerCase()) {
    case 'complete':
      return 'READY';
    case 'inprogress':
    case 'in_progress':
    case 'building':
    case 'pending':
      return 'PENDING';
    case 'failed':
    case 'error':
      return 'FAILED';
    default:
      return 'UNKNOWN';
  }
}

/**
 * Deployment `status`: `active`/`inactive` are confirmed; `launching`, `errored` and `replacingModel` are the
 * unconfirmed transitional values of the reference. No status at all (older servers, which could not deactivate a
 * deployment) reads as ACTIVE, as {@link isActiveDeploymentStatus} does; anything unlisted is UNKNOWN.
 */
export function deploymentStatusOf(status: string | null): DeploymentStatus {
  if (status === null) return 'ACTIVE';
  switch (status.toLowerCase()) {
    case 'active':
      return 'ACTIVE';
    case 'inactive':
      return 'INACTIVE';
    case 'launching':
      return 'PENDING';
    case 'replacingmodel':
      return 'UPDATING';
    case 'errored':
      return 'FAILED';
    default:
      return 'UNKNOWN';
  }
}

/**
 * The prediction URL of a deployment on its default prediction server. The route is DataRobot's documented
 * prediction API (`/predApi/v1.0/deployments/{id}/predictions`), not part of the reference.
 */
export function predictionUrl(serverUrl: string | undefined, deploymentId: string): string | null {
  if (!serverUrl) return null;
  return `${serverUrl.replace(/\/+$/, '')}/predApi/v1.0/deployments/${encodeURIComponent(deploymentId)}/predictions`;
}

/** Web UI routes (not in the reference): the registry and deployment overview pages of the current UI. */
export const uiRoutes = {
  registeredModel: (id: string) => `/registry/registered-models/${encodeURIComponent(id)}/info`,
  registeredModelVersion: (modelId: string, versionId: string) =>
    `/registry/registered-models/${encodeURIComponent(modelId)}/version/${encodeURIComponent(versionId)}/info`,
  deployment: (id: string) => `/deployments/${encodeURIComponent(id)}/overview`,
};

export type AsyncState = 'done' | 'failed' | 'pending';

/**
 * `GET /status/{id}/` `status` values are unconfirmed (the reference's fake-server notes use `COMPLETED`).
 * Terminal failures below are the values DataRobot's clients are known to check; anything else keeps polling
 * (bounded by the caller).
 */
export function asyncStateOf(status: string | undefined): AsyncState {
  const value = (status ?? '').toUpperCase();
  if (value === 'COMPLETED') return 'done';
  if (value === 'ERROR' || value === 'ABORTED' || value === 'FAILED' || value === 'EXPIRED') return 'failed';
  return 'pending';
}

/**
 * The legacy package list's filter by Leaderboard model: the reference writes `/modelPackages/?modelId=…`
 * while the legacy SDK passed `model_id`. The connector checks each returned package's `modelId`, so a server
 * that ignores the filter yields no link rather than a wrong one.
 */
export const LEGACY_PACKAGE_FILTER_PARAM = 'modelId';
