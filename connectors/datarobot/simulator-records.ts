import { hexId, type SimDeployment, type SimModel, type SimStage, type SimVersion } from '../shared/simulator-kit.js';

/**
 * The simulator's estate rendered as DataRobot API v2 records, with the field names and nesting of the
 * reference (§3.5–3.6) and the recorded deployment fixtures. Pure and deterministic: timestamps come from
 * the estate, ids are hashes of names.
 */

const DAY = 86_400_000;
const ids = new Map<string, string>();

/** Memoised stable ids: rendering 100 000 versions must not rehash the same names. */
function stableId(kind: string, name: string): string {
  const key = `${kind}/${name}`;
  let id = ids.get(key);
  if (id === undefined) {
    id = hexId(key);
    ids.set(key, id);
  }
  return id;
}

export const simIds = {
  registeredModel: (modelName: string) => stableId('registeredModel', modelName),
  version: (modelName: string, versionNumber: number) => stableId('modelPackage', `${modelName}/${versionNumber}`),
  leaderboardModel: (modelName: string, versionNumber: number) => stableId('leaderboardModel', `${modelName}/${versionNumber}`),
  project: (modelName: string) => stableId('project', modelName),
  predictionServer: () => stableId('predictionServer', 'default'),
  predictionEnvironment: (environment: string) => stableId('predictionEnvironment', environment),
};

const STAGES: Record<SimStage, string> = { None: 'Registered', Staging: 'Staging', Production: 'Production', Archived: 'Archived' };

export const PREDICTION_SERVER_URL = 'https://sim-prediction.datarobot.example';

/** DataRobot writes microseconds: `2020-01-14T15:06:08.000000Z`. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function user(email: string): { id: string; name: string; email: string } {
  const local = email.split('@')[0];
  return { id: stableId('user', email), name: local.charAt(0).toUpperCase() + local.slice(1), email };
}

function target(model: SimModel): { name: string; type: string } {
  return { name: `is_${(model.tags.domain ?? 'positive').replace(/-/g, '_')}`, type: 'Binary' };
}

function algorithm(version: SimVersion): string {
  return version.description.split(',')[0];
}

export function renderRegisteredModel(model: SimModel): Record<string, unknown> {
  return {
    id: simIds.registeredModel(model.name),
    name: model.name,
    description: model.description,
    createdAt: isoTimestamp(model.createdAt),
    modifiedAt: isoTimestamp(model.updatedAt),
    createdBy: user(model.owner),
    modifiedBy: user(model.owner),
    target: target(model),
    lastVersionNum: model.versions.at(-1)?.number ?? 0,
    isArchived: false,
    isGlobal: false,
  };
}

export function renderVersion(model: SimModel, version: SimVersion): Record<string, unknown> {
  return {
    id: simIds.version(model.name, version.number),
    name: `v${version.number} - ${algorithm(version)}`,
    registeredModelId: simIds.registeredModel(model.name),
    registeredModelVersion: version.number,
    modelId: simIds.leaderboardModel(model.name, version.number),
    buildStatus: 'complete',
    stage: STAGES[version.stage],
    target: { ...target(model), predictionThreshold: 0.5 },
    tags: Object.entries(version.tags).map(([name, value]) => ({ name, value })),
    createdAt: isoTimestamp(version.createdAt),
    userName: version.createdBy,
    isArchived: version.stage === 'Archived',
  };
}

/** The estate's metric keys as DataRobot names them on the Leaderboard; any other key keeps its own name. */
const LEADERBOARD_METRIC_NAMES: Record<string, string> = { auc: 'AUC', accuracy: 'Accuracy', f1: 'F1', logloss: 'LogLoss', rmse: 'RMSE' };

/** The DataRobot name of an estate metric key, as the Leaderboard route reports it. */
export function leaderboardMetricName(key: string): string {
  return LEADERBOARD_METRIC_NAMES[key] ?? key;
}

/**
 * A Leaderboard model in the shape of the recorded `getModel.json` (`GET /projects/{pid}/models/{mid}/`), same keys in
 * the same order. Each estate metric is the model's validation score; the other partitions were not computed (null), as
 * in the recording, where only validation is unlocked.
 */
export function renderLeaderboardModel(model: SimModel, version: SimVersion): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(version.metrics)) {
    metrics[leaderboardMetricName(key)] = { backtesting: null, holdout: null, backtestingScores: null, crossValidation: null, validation: value };
  }
  return {
    featurelistId: stableId('featurelist', model.name),
    processes: ['Ordinal encoding of categorical variables', 'Missing Values Imputed', algorithm(version)],
    featurelistName: 'Informative Features',
    trainingDuration: null,
    modelCategory: 'model',
    projectId: simIds.project(model.name),
    samplePct: 64.0,
    modelType: algorithm(version),
    trainingStartDate: null,
    metrics,
    trainingRowCount: 50_752,
    isFrozen: false,
    isStarred: false,
    predictionThreshold: 0.5,
    predictionThresholdReadOnly: true,
    blueprintId: stableId('blueprint', algorithm(version)),
    trainingEndDate: null,
    id: simIds.leaderboardModel(model.name, version.number),
  };
}

const PERMISSIONS = [
  'CAN_SHARE_DEPLOYMENT_OWNERSHIP', 'CAN_EDIT_DEPLOYMENT', 'CAN_SHARE', 'CAN_MAKE_PREDICTIONS', 'CAN_APPROVE_REPLACEMENT_MODEL',
  'CAN_UPDATE_DEPLOYMENT_THRESHOLDS', 'CAN_DELETE_DEPLOYMENT', 'CAN_REPLACE_MODEL', 'CAN_VIEW', 'CAN_SUBMIT_ACTUALS',
];

/** A deployment in the shape of the recorded `getDeployment.json`, plus the fields newer servers add. */
export function renderDeployment(deployment: SimDeployment, model: SimModel | undefined, version: SimVersion | undefined): Record<string, unknown> {
  const modelName = deployment.modelName;
  const active = deployment.status === 'active';
  return {
    id: deployment.id,
    label: deployment.name,
    description: '',
    model: {
      id: simIds.leaderboardModel(modelName, deployment.versionNumber),
      type: version ? algorithm(version) : 'unknown',
      targetName: model ? target(model).name : 'target',
      targetType: 'Binary',
      projectId: simIds.project(modelName),
      projectName: version ? `${version.dataset}.csv` : `${modelName}.csv`,
      unsupervisedMode: false,
    },
    modelPackage: {
      id: simIds.version(modelName, deployment.versionNumber),
      name: version ? `v${version.number} - ${algorithm(version)}` : `v${deployment.versionNumber}`,
      registeredModelId: simIds.registeredModel(modelName),
    },
    defaultPredictionServer: { id: simIds.predictionServer(), url: PREDICTION_SERVER_URL, 'datarobot-key': 'c0ffee00-5151-4e1e-9000-5ea1ed5ec0de' },
    capabilities: { supportsPredictionWarning: false, supportsTargetDriftTracking: true, supportsFeatureDriftTracking: true, supportsModelReplacement: true },
    predictionUsage: { dailyRates: [0, 0, 0, 0, 0, 0, 0], lastTimestamp: null },
    serviceHealth: { status: active ? 'passing' : 'unknown', startDate: isoTimestamp(deployment.updatedAt), endDate: isoTimestamp(deployment.updatedAt + 7 * DAY) },
    modelHealth: {
      status: 'unknown',
      message: 'Either not enough predictions (100) have been made for data drift analysis, or predictions are still being processed. Please refresh the page in 1 minute if predictions have been made.',
      startDate: null,
      endDate: null,
    },
    accuracyHealth: { status: 'unavailable', message: 'Accuracy is unknown.', startDate: null, endDate: null },
    permissions: PERMISSIONS,
    status: deployment.status,
    importance: deployment.environment === 'production' ? 'HIGH' : 'LOW',
    // Deployment tags are not in the reference; sent in the shape version tags have (unconfirmed.ts), when there are any.
    ...(deployment.tags ? { tags: Object.entries(deployment.tags).map(([name, value]) => ({ name, value })) } : {}),
    predictionEnvironment: {
      id: simIds.predictionEnvironment(deployment.environment),
      name: deployment.environment[0].toUpperCase() + deployment.environment.slice(1),
      platform: 'datarobotServerless',
      isManagedByManagementAgent: false,
      managedBy: 'datarobot',
    },
    createdAt: isoTimestamp(deployment.createdAt),
    governance: { approvalStatus: 'APPROVED', hasOpenChangeRequests: false },
  };
}
