/**
 * The connector contract: the only module shared between vendor connectors and the hub's engine.
 *
 * A connector talks to one vendor and yields normalised records; the engine (src/sync, src/inventory)
 * persists them. Connectors never import from `src/`, never touch the database or the job queue.
 */

/** The vendors the hub can read from. */
export const VENDORS = ['sagemaker', 'mlflow', 'datarobot', 'domino'] as const;
export type Vendor = (typeof VENDORS)[number];

/**
 * The vendor's own stage of a version, mapped onto one small vocabulary.
 * This is the *observed* state; the hub's *governed* lifecycle state lives elsewhere and is never set from it.
 * - NONE: registered, no stage (MLflow `None`, SageMaker `PendingManualApproval` without a lifecycle stage)
 * - STAGING: staged / approved for pre-production (MLflow `Staging`, SageMaker lifecycle stage `Staging`)
 * - PRODUCTION: the vendor says this version serves production (MLflow `Production` stage or `production` alias,
 *   SageMaker lifecycle stage `Production`, a DataRobot/Domino version behind an active deployment's production slot)
 * - ARCHIVED: archived / retired at the vendor (MLflow `Archived`, Domino archived Model API)
 * - UNKNOWN: the vendor says something we cannot map; the raw value stays in `observedStageRaw`.
 */
export const OBSERVED_STAGES = ['NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED', 'UNKNOWN'] as const;
export type ObservedStage = (typeof OBSERVED_STAGES)[number];

/**
 * The environment a deployment runs in, normalised across vendors by the source's environment rule
 * (shared/environment.ts); what the vendor itself says stays in `environmentRaw`.
 */
export const DEPLOYMENT_ENVIRONMENTS = ['PRODUCTION', 'STAGING', 'DEVELOPMENT', 'UNKNOWN'] as const;
export type DeploymentEnvironment = (typeof DEPLOYMENT_ENVIRONMENTS)[number];

/**
 * What a metric measures, by the data it was computed on:
 * - TRAINING: on training data, or the vendor does not say (an MLflow run metric whose key names no held-out split);
 * - VALIDATION: on held-out data (validation, cross-validation, holdout, test split; an MLflow key such as `val_auc`);
 * - PRODUCTION: on live traffic after deployment (a deployment's service or accuracy figures).
 */
export const METRIC_KINDS = ['TRAINING', 'VALIDATION', 'PRODUCTION'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** One numeric figure the vendor reports for a version or a deployment. The vendor's raw form stays in vendorAttributes. */
export interface Metric {
  /** The vendor's metric name: the MLflow key as logged; for DataRobot `<metric>.<partition>` such as `AUC.holdout`. */
  name: string;
  /** A finite number. */
  value: number;
  /** Training step / epoch where the vendor records one (MLflow `step`); null otherwise. */
  step: number | null;
  /** When the vendor recorded the value (vendor clock); null when it does not say. */
  timestamp: Date | null;
  kind: MetricKind;
}

/**
 * The status of a version object at the vendor, mapped onto one vocabulary (the raw value stays in `statusRaw`):
 * - READY: registered and usable (SageMaker `Completed`, MLflow `READY`, DataRobot build `complete`);
 * - PENDING: still being registered or built;
 * - FAILED: registration or build failed;
 * - DELETING: being deleted at the vendor;
 * - UNKNOWN: the vendor says nothing, or something the connector cannot map.
 */
export const VERSION_STATUSES = ['READY', 'PENDING', 'FAILED', 'DELETING', 'UNKNOWN'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/**
 * The status of a deployment at the vendor, mapped onto one vocabulary (the raw value stays in `statusRaw`):
 * - ACTIVE: up and serving (SageMaker `InService`, DataRobot `active`, Domino `Running`, an MLflow alias);
 * - PENDING: being created or started;
 * - UPDATING: serving while it is changed (SageMaker `Updating`, `SystemUpdating`, `RollingBack`);
 * - INACTIVE: exists but does not serve (SageMaker `OutOfService`, DataRobot `inactive`, Domino `Stopped`, archived);
 * - FAILED: creation or an update failed;
 * - DELETING: being deleted at the vendor;
 * - UNKNOWN: the vendor says nothing, or something the connector cannot map.
 */
export const DEPLOYMENT_STATUSES = ['ACTIVE', 'PENDING', 'UPDATING', 'INACTIVE', 'FAILED', 'DELETING', 'UNKNOWN'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/** Governed lifecycle states; the hub's governance owns them. Declared here so write-backs can name them. */
export const LIFECYCLE_STATES = ['DEVELOPMENT', 'VALIDATION', 'APPROVED', 'PRODUCTION', 'RETIRED'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/** A dataset that fed a training run, as the vendor names it. */
export interface DatasetRef {
  name: string;
  /** Content digest where the vendor records one (MLflow `digest`). */
  digest?: string | null;
  /** Where the data came from (URI, table name) where the vendor says. */
  source?: string | null;
}

/** Where a version came from. Every field is optional: vendors expose different parts. */
export interface Lineage {
  /** Training run / job / pipeline execution id (MLflow `run_id`, SageMaker `MetadataProperties.GeneratedBy`). */
  runId?: string | null;
  /** Experiment or project the run belongs to (MLflow `experiment_id`, SageMaker/Domino/DataRobot project id). */
  projectId?: string | null;
  /** That experiment's or project's name, where the vendor gives one (MLflow experiment `name`). */
  projectName?: string | null;
  /** Source code revision, where recorded (SageMaker `MetadataProperties.CommitId`, Domino `commitId`). */
  commitId?: string | null;
  /** Datasets used for training, where the vendor exposes them inline. */
  datasets?: DatasetRef[];
}

/** Fields every vendor-sourced record carries. */
export interface NormalisedRecordBase {
  /**
   * The vendor's stable identifier, unique within one source: SageMaker ARN, MLflow name (models) or
   * `name/version` (versions), DataRobot / Domino id. Together with the source id it is the natural key.
   */
  externalId: string;
  /** When the vendor says the object was created (vendor clock). Null when the vendor does not say. */
  createdAt: Date | null;
  /** When the vendor says the object last changed (vendor clock). Null when the vendor does not say. */
  updatedAt: Date | null;
  /**
   * The raw vendor record (JSON-safe), kept for BI and audit. Must be deterministic for an unchanged object:
   * it is part of the content hash, so volatile fields (request ids, "now" timestamps) must be left out.
   */
  vendorAttributes: Record<string, unknown>;
}

/** A logical model: SageMaker model package group, MLflow / DataRobot / Domino registered model. */
export interface NormalisedModel extends NormalisedRecordBase {
  name: string;
  description: string | null;
  /** The owner as the vendor records it (user name, email or IAM identity). Not the governed accountable owner. */
  owner: string | null;
  /** Vendor tags / labels as key → value. Keys without value map to ''. */
  tags: Record<string, string>;
  /** A link to the object in the vendor's UI, where one can be built. */
  deepLink: string | null;
}

/** One version of a model: SageMaker model package, MLflow model version, DataRobot / Domino version. */
export interface NormalisedVersion extends NormalisedRecordBase {
  /** externalId of the parent model in the same source; null when the vendor does not say. */
  modelExternalId: string | null;
  /** The version label as the vendor shows it ("3", "v2024-05-01"). */
  version: string;
  /** The version as an integer where the vendor numbers versions. */
  versionNumber: number | null;
  description: string | null;
  /** Observed stage, mapped; see {@link ObservedStage}. */
  observedStage: ObservedStage;
  /** The vendor's raw stage / approval value (e.g. `PendingManualApproval`, `Staging`), for display and BI. */
  observedStageRaw: string | null;
  /** The vendor's status of the version object, mapped by the connector; see {@link VersionStatus}. */
  status: VersionStatus;
  /** The vendor's own status value before mapping (e.g. SageMaker `Completed`, MLflow `READY`), for display and BI. */
  statusRaw: string | null;
  /** Who created the version at the vendor. Segregation of duties uses it: the creator cannot validate. */
  createdBy: string | null;
  /** Where the model artifact lives (S3 URI, MLflow `source`, image). */
  artifactUri: string | null;
  /**
   * The ML framework or algorithm the version was built with, in the vendor's words: SageMaker's inference container
   * `Framework` (`XGBOOST`), DataRobot's Leaderboard model type. Absent where the vendor does not say (MLflow, Domino),
   * so those records keep the content hash they had.
   */
  framework?: string;
  lineage: Lineage;
  /** Numeric metrics the vendor exposes for the version (MLflow run metrics, DataRobot scores). Empty when none. */
  metrics: Metric[];
  /** Parameters of the training run (MLflow run params) as name → value. Empty when the vendor exposes none. */
  params: Record<string, string>;
  tags: Record<string, string>;
  deepLink: string | null;
}

/**
 * Where a version serves: SageMaker endpoint, DataRobot deployment, Domino Model API, or an MLflow alias /
 * stage (an observed "logical deployment").
 */
export interface NormalisedDeployment extends NormalisedRecordBase {
  /** externalId of the version it serves; null when the vendor does not say or it could not be resolved. */
  versionExternalId: string | null;
  name: string;
  /** The environment, decided by the source's environment rule (shared/environment.ts). */
  environment: DeploymentEnvironment;
  /**
   * The environment as the vendor words it: the value of the rule's environment tag, else the vendor's own word
   * (DataRobot prediction environment name, MLflow alias or stage); null when there is neither.
   */
  environmentRaw: string | null;
  /** The deployment's tags / labels as key → value (empty where the vendor has none). */
  tags: Record<string, string>;
  /** The vendor's status, mapped by the connector; see {@link DeploymentStatus}. */
  status: DeploymentStatus;
  /** The vendor's raw status (`InService`, `active`, `Running`, …). */
  statusRaw: string | null;
  /** Figures the vendor reports for the deployment itself (kind PRODUCTION). Empty when it reports none inline. */
  metrics: Metric[];
  /**
   * Live at the vendor (an InService SageMaker endpoint, an active DataRobot deployment, a Running Domino Model API,
   * an MLflow alias or Production stage) AND in the PRODUCTION environment. Findings compare it with the governed
   * lifecycle state.
   */
  servingProduction: boolean;
  /** The URL clients call for predictions, where the vendor says. */
  endpointUrl: string | null;
  /** Share of traffic (0..1) this deployment gives the version, where the vendor splits traffic. */
  trafficShare: number | null;
  deepLink: string | null;
}

/** A record that could not be normalised. It becomes an error row on the run; the rest of the page goes on. */
export interface RecordError {
  kind: 'model' | 'version' | 'deployment';
  /** The vendor id of the broken record, or a best-effort description when it has none. */
  externalId: string;
  reason: string;
}

/**
 * One page's worth of normalised records. Batches are yielded in an order where parents come no later than
 * their children where the vendor allows it; the engine also resolves parents against what is stored.
 */
export interface NormalisedBatch {
  models: NormalisedModel[];
  versions: NormalisedVersion[];
  deployments: NormalisedDeployment[];
  errors: RecordError[];
}

export interface ConnectionCheck {
  ok: boolean;
  /** A sentence an IT operator understands: "Connected to MLflow at …", "The API token was rejected (401)". */
  message: string;
  /** Extra facts worth showing (vendor version, account, region). Never secrets. */
  details?: Record<string, string>;
}

/** An approved lifecycle change to deliver to the vendor. */
export interface LifecycleWriteBack {
  /**
   * The change request as people look it up: the hub API's id for it (what `changeRequest(id:)` and `node(id:)`
   * accept). Written to the vendor with the change, so the vendor-side record leads back to the request.
   */
  changeRequestRef: string;
  /** A link to the request in the hub; null when the hub's public URL is not configured. */
  changeRequestUrl: string | null;
  modelExternalId: string | null;
  versionExternalId: string;
  fromState: LifecycleState;
  toState: LifecycleState;
  /**
   * Set when the version is RETIRED because the request promoted another version of its model to PRODUCTION in its
   * place: that version's external id. The successor's promotion is delivered first; the retirement must not undo it
   * (e.g. remove an alias the successor now holds, or switch off a deployment it now serves).
   */
  replacedBy: string | null;
  /**
   * One sentence for a vendor-side description: the reference, the state change, who asked and who approved, by name.
   * The link is not in it: a connector that must shorten the text to a vendor limit keeps the link whole.
   */
  summary: string;
}

export type WriteBackStatus = 'DONE' | 'UNSUPPORTED';
export interface WriteBackOutcome {
  status: WriteBackStatus;
  /** What was done at the vendor (or why nothing could be). */
  message: string;
}

export interface Connector {
  readonly vendor: Vendor;
  /**
   * The vendor's whole estate, page by page, as normalised batches. Pages are fetched lazily: the next page is
   * requested only when the consumer asks for the next batch, so memory stays flat. The listing is complete
   * only when the iterator returns normally; a thrown error means it is incomplete (nothing may be tombstoned).
   */
  list(signal: AbortSignal): AsyncIterable<NormalisedBatch>;
  /** Reachability and credentials with one cheap call. Never throws for vendor-side failures: returns ok=false. */
  check(signal: AbortSignal): Promise<ConnectionCheck>;
  /**
   * Applies an approved lifecycle change at the vendor where it supports one; `UNSUPPORTED` otherwise. One call is one
   * delivery attempt: its vendor requests are sent once each (see {@link WRITE_BACK_RETRY}), and a retryable failure
   * is thrown for the hub's outbox to schedule the next attempt.
   */
  applyLifecycle?(change: LifecycleWriteBack, signal: AbortSignal): Promise<WriteBackOutcome>;
  /**
   * Of these model external ids, which the vendor still has, asked one by one. Implemented by connectors whose paging
   * can skip a record when another is deleted mid-listing (offset page tokens): after a complete listing the sync
   * asks about the models it did not see before it tombstones them, and keeps those still there.
   */
  presentModels?(externalIds: readonly string[], signal: AbortSignal): Promise<string[]>;
}

/** Logger shape connectors accept (pino-compatible), so they never import the hub's logger. */
export interface ConnectorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Observes each vendor HTTP call (for metrics). Optional. */
export type VendorCallObserver = (call: { vendor: Vendor; operation: string; status: number | 'error'; attempt: number; ms: number }) => void;

export interface ConnectorDeps {
  fetch?: typeof globalThis.fetch;
  logger?: ConnectorLogger;
  onVendorCall?: VendorCallObserver;
  /** Retry policy override (tests shorten it). */
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  /** Records per page requested from the vendor, where the vendor lets the client choose. */
  pageSize?: number;
  /**
   * Refuse to connect to a host name that resolves to a private, loopback or link-local address (checked on the
   * addresses actually connected to, see shared/private-address.ts): ALLOW_PRIVATE_SOURCE_URLS=false.
   */
  blockPrivateAddresses?: boolean;
}

export interface RetryPolicy {
  /** Attempts per request including the first. */
  attempts: number;
  /** First backoff in ms; doubles each attempt, with full jitter. */
  baseDelayMs: number;
  /** Ceiling for one backoff, and for an honoured Retry-After. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 20_000 };

/**
 * The retry override of write-back requests: each is sent once, whatever failed (connection errors included). The
 * hub's outbox is the one retry authority for write-backs: it counts every attempt, spaces them (minutes, not the
 * seconds of an in-call retry) and gives up after its own budget, so a permanently failing write-back makes exactly
 * the outbox's number of attempts instead of that number times the client's.
 */
export const WRITE_BACK_RETRY: Partial<RetryPolicy> = { attempts: 1 };

/**
 * What kind of connector failure an error is, as data: each connector error class declares its own, and a subclass
 * declared elsewhere keeps its parent's. The job layer decides retries by it (never retry an authentication
 * failure, slow the vendor's queue on throttling), so it is what lets an error cross a thread boundary whole.
 */
export type ConnectorErrorKind = 'vendor' | 'authentication' | 'rate-limit' | 'malformed-response' | 'not-found';

/** Base of every connector failure. `retryable` tells the job layer whether trying later can help. */
export class ConnectorError extends Error {
  override name = 'ConnectorError';
  readonly kind: ConnectorErrorKind = 'vendor';
  constructor(
    message: string,
    readonly vendor: Vendor,
    readonly status: number | null,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Credentials rejected (401/403). Never retried: an operator must fix the source. */
export class AuthenticationError extends ConnectorError {
  override name = 'AuthenticationError';
  override readonly kind = 'authentication';
  constructor(message: string, vendor: Vendor, status: number | null, options?: { cause?: unknown }) {
    super(message, vendor, status, false, options);
  }
}

/** The vendor throttled us and retries ran out. `retryAfterMs` is the vendor's hint, when it gave one. */
export class RateLimitError extends ConnectorError {
  override name = 'RateLimitError';
  override readonly kind = 'rate-limit';
  constructor(message: string, vendor: Vendor, status: number | null, readonly retryAfterMs: number | null, options?: { cause?: unknown }) {
    super(message, vendor, status, true, options);
  }
}

/** The vendor answered with something we cannot read (malformed / truncated body, wrong shape of envelope). */
export class MalformedResponseError extends ConnectorError {
  override name = 'MalformedResponseError';
  override readonly kind = 'malformed-response';
  constructor(message: string, vendor: Vendor, status: number | null, options?: { cause?: unknown }) {
    super(message, vendor, status, true, options);
  }
}

/** The object asked for does not exist (any more). Listings skip such items. */
export class VendorNotFoundError extends ConnectorError {
  override name = 'VendorNotFoundError';
  override readonly kind = 'not-found';
  constructor(message: string, vendor: Vendor, options?: { cause?: unknown }) {
    super(message, vendor, 404, false, options);
  }
}

/** A connector error as plain data (what a structured clone keeps), for a listing run in another thread. */
export interface ConnectorErrorData {
  kind: ConnectorErrorKind;
  message: string;
  vendor: Vendor;
  status: number | null;
  retryable: boolean;
  retryAfterMs: number | null;
}

/** The error as data (its cause travels separately: see the listing threads' protocol). */
export function connectorErrorToData(error: ConnectorError): ConnectorErrorData {
  return {
    kind: error.kind,
    message: error.message,
    vendor: error.vendor,
    status: error.status,
    retryable: error.retryable,
    retryAfterMs: error instanceof RateLimitError ? error.retryAfterMs : null,
  };
}

/** The error built again from its data, as the class of its kind. */
export function connectorErrorFromData(data: ConnectorErrorData, options?: { cause?: unknown }): ConnectorError {
  switch (data.kind) {
    case 'vendor':
      return new ConnectorError(data.message, data.vendor, data.status, data.retryable, options);
    case 'authentication':
      return new AuthenticationError(data.message, data.vendor, data.status, options);
    case 'rate-limit':
      return new RateLimitError(data.message, data.vendor, data.status, data.retryAfterMs, options);
    case 'malformed-response':
      return new MalformedResponseError(data.message, data.vendor, data.status, options);
    case 'not-found':
      return new VendorNotFoundError(data.message, data.vendor, options);
  }
}

/** An empty batch, for connectors to fill. */
export function emptyBatch(): NormalisedBatch {
  return { models: [], versions: [], deployments: [], errors: [] };
}
