/**
 * MLflow REST API 2.0 wire shapes (proto field names, snake_case), as the reference §2.4 documents them.
 * Every member is optional on purpose: MLflow omits empty and unset fields, and Databricks / MLflow 3 add or drop
 * some. The connector reads these through `normalise.ts`; the simulator writes them.
 */

/** `{key, value}` pairs used for tags and params. */
export interface MlflowKeyValue {
  key?: string;
  value?: string;
}

export interface MlflowRegisteredModelAlias {
  alias?: string;
  /** The version the alias points at, as a string ("3"). */
  version?: string;
}

export interface MlflowModelVersion {
  name?: string;
  /** A string holding an integer ("1", "2", …). */
  version?: string;
  /** Epoch milliseconds. */
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  /** `None` | `Staging` | `Production` | `Archived` (legacy workflow; absent on registries without stages). */
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  /** `PENDING_REGISTRATION` | `FAILED_REGISTRATION` | `READY`. */
  status?: string;
  status_message?: string;
  tags?: MlflowKeyValue[];
  run_link?: string;
  /** Aliases held by this version (plain strings, unlike the registered model's alias objects). */
  aliases?: string[];
  /** MLflow 3: the LoggedModel id and its inline metrics (item shape `unconfirmed`, see unconfirmed.ts). */
  model_id?: string;
  model_metrics?: unknown[];
  [extra: string]: unknown;
}

export interface MlflowRegisteredModel {
  name?: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  description?: string;
  /** Latest READY version per stage: a subset of the versions, never the full list. */
  latest_versions?: MlflowModelVersion[];
  tags?: MlflowKeyValue[];
  aliases?: MlflowRegisteredModelAlias[];
  [extra: string]: unknown;
}

export interface MlflowMetric {
  key?: string;
  value?: number;
  timestamp?: number;
  step?: number;
}

export interface MlflowDataset {
  name?: string;
  digest?: string;
  source_type?: string;
  source?: string;
  schema?: string;
  profile?: string;
}

export interface MlflowDatasetInput {
  tags?: MlflowKeyValue[];
  dataset?: MlflowDataset;
}

export interface MlflowRun {
  info?: {
    run_id?: string;
    run_uuid?: string;
    experiment_id?: string;
    run_name?: string;
    user_id?: string;
    status?: string;
    start_time?: number;
    end_time?: number;
    artifact_uri?: string;
    lifecycle_stage?: string;
  };
  data?: { metrics?: MlflowMetric[]; params?: MlflowKeyValue[]; tags?: MlflowKeyValue[] };
  inputs?: { dataset_inputs?: MlflowDatasetInput[] };
  [extra: string]: unknown;
}

export interface SearchRegisteredModelsResponse {
  registered_models?: MlflowRegisteredModel[];
  next_page_token?: string;
}

export interface SearchModelVersionsResponse {
  model_versions?: MlflowModelVersion[];
  next_page_token?: string;
}

export interface GetRunResponse {
  run?: MlflowRun;
}

/** `runs/search` request body (`service.proto` SearchRuns; see unconfirmed.ts for what the reference does not cover). */
export interface SearchRunsRequest {
  experiment_ids: string[];
  filter: string;
  /** `ACTIVE_ONLY` (server default) | `DELETED_ONLY` | `ALL`. */
  run_view_type: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  max_results: number;
  page_token?: string;
}

/** `runs/search` answer: each run has the `runs/get` shape. */
export interface SearchRunsResponse {
  runs?: MlflowRun[];
  next_page_token?: string;
}

export interface MlflowExperiment {
  experiment_id?: string;
  name?: string;
  artifact_location?: string;
  /** `active` | `deleted`. */
  lifecycle_stage?: string;
  /** Epoch milliseconds. */
  creation_time?: number;
  last_update_time?: number;
  tags?: MlflowKeyValue[];
  [extra: string]: unknown;
}

/** `experiments/get` answer. */
export interface GetExperimentResponse {
  experiment?: MlflowExperiment;
}

/** `experiments/search` answer. */
export interface SearchExperimentsResponse {
  experiments?: MlflowExperiment[];
  next_page_token?: string;
}

/** MLflow's JSON error body (`MlflowException.serialize_as_json`); extra keys may appear. */
export interface MlflowErrorBody {
  error_code?: string;
  message?: string;
}

/** The path prefix every REST route lives under, relative to the tracking URI. */
export const API_PREFIX = '/api/2.0/mlflow';
