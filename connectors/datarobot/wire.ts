/**
 * DataRobot public API v2 wire shapes, as far as the connector reads them (reference §3.3–3.6).
 * Every field is optional: real responses carry more fields and older servers fewer; the normaliser decides
 * what is required. Fields the reference marks `unconfirmed` are read only through `unconfirmed.ts`.
 */

/** The list envelope every paginated route answers with; `next`/`previous` are absolute URLs or null. */
export interface DataRobotPage<T> {
  count?: number;
  totalCount?: number;
  next?: string | null;
  previous?: string | null;
  data?: T[];
}

export interface RawRegisteredModel {
  id?: string;
  name?: string;
  description?: string | null;
  createdAt?: string | null;
  modifiedAt?: string | null;
  createdBy?: unknown;
  modifiedBy?: unknown;
  target?: { name?: string; type?: string } | null;
  lastVersionNum?: number;
  isArchived?: boolean;
  isGlobal?: boolean;
  [key: string]: unknown;
}

export interface RawTag {
  name?: string;
  value?: string | null;
}

/** A registered model version, which DataRobot also calls a model package (same id). */
export interface RawModelVersion {
  id?: string;
  name?: string;
  registeredModelId?: string;
  registeredModelVersion?: number;
  /** The Leaderboard model the package was built from: the training lineage. */
  modelId?: string | null;
  buildStatus?: string | null;
  stage?: string | null;
  target?: { name?: string; type?: string; predictionThreshold?: number | null } | null;
  tags?: RawTag[] | null;
  createdAt?: string | null;
  userName?: string | null;
  isArchived?: boolean;
  [key: string]: unknown;
}

/** A Leaderboard model (`GET /projects/{projectId}/models/{modelId}/`, recorded in getModel.json), as far as read. */
export interface RawLeaderboardModel {
  id?: string;
  projectId?: string;
  modelType?: string;
  /** Metric name → score per partition; a partition not computed is null. */
  metrics?: Record<string, { validation?: number | null; crossValidation?: number | null; holdout?: number | null; backtesting?: number | null; [key: string]: unknown } | null>;
  [key: string]: unknown;
}

export interface RawHealth {
  status?: string | null;
  message?: string | null;
  startDate?: string | null;
  endDate?: string | null;
}

export interface RawDeployment {
  id?: string;
  label?: string;
  description?: string | null;
  /** Legacy link: the Leaderboard model behind the deployment (no package id on older servers). */
  model?: { id?: string; type?: string; targetName?: string; targetType?: string; projectId?: string; projectName?: string } | null;
  /** Current link to the version: `{id, name, registeredModelId}`. */
  modelPackage?: { id?: string; name?: string; registeredModelId?: string } | null;
  defaultPredictionServer?: { id?: string; url?: string; 'datarobot-key'?: string } | null;
  serviceHealth?: RawHealth | null;
  modelHealth?: RawHealth | null;
  accuracyHealth?: RawHealth | null;
  predictionUsage?: unknown;
  status?: string | null;
  importance?: string | null;
  [key: string]: unknown;
}

/** `GET /status/{id}/` (field names from the Terraform client). */
export interface RawAsyncStatus {
  statusId?: string;
  status?: string;
  message?: string | null;
  code?: number | null;
  description?: string | null;
  statusType?: string | null;
}

/** `POST /deployments/{id}/model/validation/` answer (recorded fixtures validateDeployment*.json). */
export interface RawReplacementValidation {
  status?: string;
  message?: string | null;
  checks?: Record<string, { status?: string; message?: string | null }>;
}
