import { registerEnumType } from 'type-graphql';
import { DEPLOYMENT_ENVIRONMENTS, DEPLOYMENT_STATUSES, LIFECYCLE_STATES, METRIC_KINDS, OBSERVED_STAGES, VENDORS, VERSION_STATUSES } from '../../connectors/contract.js';
import { RISK_TIERS, SYNC_RUN_STATUSES } from '../inventory/queries/records.js';
import { STATS_DIMENSIONS } from '../inventory/queries/stats.js';

/**
 * GraphQL enums shared by every module (register each once: a second registration under the same name breaks the
 * schema). Values equal the stored strings, so inputs pass straight to services.
 */
const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

/** Names are upper-case GraphQL style; values are the stored vendor ids (`SAGEMAKER` → `sagemaker`). */
export const Vendor = Object.fromEntries(VENDORS.map((v) => [v.toUpperCase(), v])) as { [K in (typeof VENDORS)[number] as Uppercase<K>]: K };
export const LifecycleState = asEnum(LIFECYCLE_STATES);
export const ObservedStage = asEnum(OBSERVED_STAGES);
export const DeploymentEnvironment = asEnum(DEPLOYMENT_ENVIRONMENTS);
export const MetricKind = asEnum(METRIC_KINDS);
export const VersionStatus = asEnum(VERSION_STATUSES);
export const DeploymentStatus = asEnum(DEPLOYMENT_STATUSES);
export const RiskTier = asEnum(RISK_TIERS);
export const SortDirection = asEnum(['ASC', 'DESC'] as const);
export const StatsDimension = asEnum(STATS_DIMENSIONS);
export const SyncRunStatus = asEnum(SYNC_RUN_STATUSES);

registerEnumType(Vendor, {
  name: 'Vendor',
  description: 'An MLOps platform the hub reads from.',
  valuesConfig: {
    SAGEMAKER: { description: 'Amazon SageMaker (model registry and endpoints).' },
    MLFLOW: { description: 'MLflow model registry (aliases and stages as logical deployments).' },
    DATAROBOT: { description: 'DataRobot (model packages and deployments).' },
    DOMINO: { description: 'Domino Data Lab (registered models and Model APIs).' },
  },
});
registerEnumType(LifecycleState, {
  name: 'LifecycleState',
  description: 'Governed lifecycle state of a model version, owned by the hub (never set from the vendor).',
  valuesConfig: {
    DEVELOPMENT: { description: 'Being built; every newly discovered version starts here.' },
    VALIDATION: { description: 'Under independent validation.' },
    APPROVED: { description: 'Approved for production, not yet serving.' },
    PRODUCTION: { description: 'Approved to serve production traffic.' },
    RETIRED: { description: 'Withdrawn; terminal.' },
  },
});
registerEnumType(ObservedStage, {
  name: 'ObservedStage',
  description: "The vendor's own stage of a version, mapped onto one vocabulary (what the vendor says, not what governance decided).",
  valuesConfig: {
    NONE: { description: 'Registered, no stage.' },
    STAGING: { description: 'Staged for pre-production.' },
    PRODUCTION: { description: 'The vendor says it serves production.' },
    ARCHIVED: { description: 'Archived or retired at the vendor.' },
    UNKNOWN: { description: 'A vendor value the hub cannot map; see `observedStageRaw`.' },
  },
});
registerEnumType(DeploymentEnvironment, {
  name: 'DeploymentEnvironment',
  description:
    "Where a deployment runs, decided by its source's environment rule (the `environmentRule` setting: environment tags, " +
    "name patterns, then the vendor's own notion). What the vendor itself says is in `environmentRaw`.",
  valuesConfig: {
    PRODUCTION: { description: 'Production: a live deployment here serves production traffic, which findings hold against governance.' },
    STAGING: { description: 'Pre-production: staging, UAT, QA.' },
    DEVELOPMENT: { description: 'Development, test or sandbox.' },
    UNKNOWN: { description: 'The rule could not place it (e.g. an environment tag whose value the rule does not list).' },
  },
});
registerEnumType(MetricKind, {
  name: 'MetricKind',
  description: 'The data a metric was computed on.',
  valuesConfig: {
    TRAINING: {
      description:
        'Training data, or not said: an MLflow run metric whose key names no held-out split (see the README for the name rule).',
    },
    VALIDATION: {
      description: 'Held-out data: validation, cross-validation, holdout or test (DataRobot Leaderboard scores; MLflow keys such as `val_auc`).',
    },
    PRODUCTION: { description: 'Live traffic after deployment (figures a vendor reports for a deployment).' },
  },
});
registerEnumType(VersionStatus, {
  name: 'VersionStatus',
  description:
    "The vendor's status of a version object, mapped onto one vocabulary across vendors (the vendor's own word is `statusRaw`). " +
    'Not the governed lifecycle state: a version can be READY at the vendor and still in DEVELOPMENT for governance.',
  valuesConfig: {
    READY: { description: 'Registered and usable (SageMaker `Completed`, MLflow `READY`, DataRobot `complete`).' },
    PENDING: { description: 'Still being registered or built (SageMaker `Pending`/`InProgress`, MLflow `PENDING_REGISTRATION`).' },
    FAILED: { description: 'Registration or build failed (SageMaker `Failed`, MLflow `FAILED_REGISTRATION`).' },
    DELETING: { description: 'Being deleted at the vendor (SageMaker `Deleting`).' },
    UNKNOWN: { description: 'The vendor says nothing, or a value the hub cannot map; see `statusRaw`.' },
  },
});
registerEnumType(DeploymentStatus, {
  name: 'DeploymentStatus',
  description: "The vendor's status of a deployment, mapped onto one vocabulary across vendors (the vendor's own word is `statusRaw`).",
  valuesConfig: {
    ACTIVE: { description: 'Up and serving (SageMaker `InService`, DataRobot `active`, Domino `Running`, an MLflow alias or Production stage).' },
    PENDING: { description: 'Being created or started (SageMaker `Creating`).' },
    UPDATING: { description: 'Serving while being changed (SageMaker `Updating`, `SystemUpdating`, `RollingBack`).' },
    INACTIVE: { description: 'Exists but does not serve (SageMaker `OutOfService`, DataRobot `inactive`, Domino `Stopped` or archived).' },
    FAILED: { description: 'Creation or an update failed (SageMaker `Failed`, `UpdateRollbackFailed`).' },
    DELETING: { description: 'Being deleted at the vendor (SageMaker `Deleting`).' },
    UNKNOWN: { description: 'The vendor says nothing, or a value the hub cannot map; see `statusRaw`.' },
  },
});
registerEnumType(RiskTier, {
  name: 'RiskTier',
  description: 'Model risk classification set by governance (RISK_OFFICER/ADMIN); unset until classified.',
  valuesConfig: {
    LOW: { description: 'Low impact if wrong.' },
    MEDIUM: { description: 'Moderate impact.' },
    HIGH: { description: 'High impact: production needs a validator and a risk officer.' },
    CRITICAL: { description: 'Critical impact: strictest approval policy.' },
  },
});
registerEnumType(SyncRunStatus, {
  name: 'SyncRunStatus',
  description: 'Where a sync run is.',
  valuesConfig: {
    QUEUED: { description: 'A manual trigger accepted, waiting for a worker.' },
    RUNNING: { description: 'A worker is listing the vendor and writing the inventory.' },
    SUCCEEDED: { description: 'Listed completely and written without a record error.' },
    PARTIAL: { description: 'Listed completely, but with record errors or tombstones the deletion guard refused (see `deletionGuard`).' },
    FAILED: { description: 'Stopped before the listing completed (see `error`); nothing was tombstoned.' },
  },
});
registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'Ascending or descending order.',
  valuesConfig: { ASC: { description: 'Smallest first.' }, DESC: { description: 'Largest first.' } },
});
registerEnumType(StatsDimension, {
  name: 'StatsDimension',
  description: 'A dimension `inventoryStats` can group model versions by.',
  valuesConfig: {
    VENDOR: { description: 'The platform.' },
    SOURCE: { description: 'The configured source (group key `sourceId`).' },
    LIFECYCLE_STATE: { description: 'Governed lifecycle state.' },
    OBSERVED_STAGE: { description: "The vendor's stage." },
    RISK_TIER: { description: "The model's risk tier (null: unclassified)." },
    BUSINESS_UNIT: { description: "The model's business unit." },
    FINDING_KIND: { description: 'Kind of open finding on the version or its model (null: none).' },
    IN_PRODUCTION: { description: 'Whether a live deployment serves production traffic.' },
  },
});
