import { ConnectorError, VendorNotFoundError, type LifecycleWriteBack, type WriteBackOutcome } from '../contract.js';
import type { DataRobotClient } from './client.js';
import type { EnvironmentClassifier } from '../shared/environment.js';
import { deploymentLinkOf, type DeploymentLink } from './normalise.js';
import type { RawDeployment, RawReplacementValidation } from './wire.js';

/**
 * Governed lifecycle changes delivered to DataRobot, limited to what its documented API does (reference §3.4):
 * - RETIRED: every active deployment serving the version is deactivated (`PATCH /deployments/{id}/status/`
 *   `{status:"inactive"}`, asynchronous), except, for a champion replaced by a successor, its production deployments.
 * - PRODUCTION: the production deployments (active, and PRODUCTION by the source's environment rule) of the same
 *   registered model are switched to the version by model replacement (`POST …/model/validation/` then
 *   `PATCH /deployments/{id}/model/`, asynchronous). Creating a
 *   deployment would mean choosing a prediction environment, which is not the hub's call: without a deployment
 *   to replace the change is UNSUPPORTED.
 * - Anything else: UNSUPPORTED. Changing a version's `stage` and DataRobot's own approval change requests are
 *   `unconfirmed` in the reference and are not attempted.
 */
export async function applyDataRobotLifecycle(
  client: DataRobotClient,
  change: LifecycleWriteBack,
  classifyEnvironment: EnvironmentClassifier,
  signal: AbortSignal,
): Promise<WriteBackOutcome> {
  switch (change.toState) {
    case 'RETIRED':
      return retire(client, change, classifyEnvironment, signal);
    case 'PRODUCTION':
      return promote(client, change, classifyEnvironment, signal);
    default:
      return {
        status: 'UNSUPPORTED',
        message: `DataRobot has no documented API to record ${change.toState} on a registered model version; nothing was changed at DataRobot.`,
      };
  }
}

/** The reason DataRobot records for a replacement; `OTHER` is the honest one for a governance decision. */
const REPLACEMENT_REASON = 'OTHER';

async function retire(client: DataRobotClient, change: LifecycleWriteBack, classifyEnvironment: EnvironmentClassifier, signal: AbortSignal): Promise<WriteBackOutcome> {
  const serving = await findDeployments(client, classifyEnvironment, signal, (link) => link.versionId === change.versionExternalId && link.active);
  // A champion retired because a successor was promoted in its place keeps its production deployments: the promotion
  // (delivered first) switches them to the successor by model replacement, and one it could not switch is better left
  // serving than switched off with nothing serving production.
  const kept = change.replacedBy ? serving.filter((link) => link.servingProduction) : [];
  const done: string[] = [];
  for (const deployment of serving.filter((link) => !kept.includes(link))) {
    try {
      await client.runAsync('PATCH', `deployments/${encodeURIComponent(deployment.deploymentId)}/status/`, { status: 'inactive' }, 'deployments/deactivate', signal);
      done.push(deployment.deploymentId);
    } catch (error) {
      // Deleted since we listed it: it no longer serves the version either.
      if (!(error instanceof VendorNotFoundError)) throw error;
    }
  }
  const parts = [
    done.length === 0
      ? `No active DataRobot deployment serving version ${change.versionExternalId} to deactivate`
      : `Deactivated ${done.length} DataRobot deployment(s) serving version ${change.versionExternalId}: ${done.join(', ')}`,
  ];
  if (kept.length > 0) {
    parts.push(
      `left production deployment(s) ${kept.map((d) => d.deploymentId).join(', ')} active, still serving it although version ${change.replacedBy} replaced it: replace their model in DataRobot`,
    );
  }
  return { status: 'DONE', message: `${parts.join('; ')} (change request ${change.changeRequestRef}).` };
}

async function promote(client: DataRobotClient, change: LifecycleWriteBack, classifyEnvironment: EnvironmentClassifier, signal: AbortSignal): Promise<WriteBackOutcome> {
  const modelId = change.modelExternalId;
  if (!modelId) {
    return { status: 'UNSUPPORTED', message: 'The version has no known DataRobot registered model, so no deployment to replace can be found.' };
  }
  const production = await findDeployments(client, classifyEnvironment, signal, (link) => link.registeredModelId === modelId && link.servingProduction);
  const toReplace = production.filter((link) => link.versionId !== change.versionExternalId && link.supportsReplacement);
  const alreadyServing = production.filter((link) => link.versionId === change.versionExternalId);
  if (toReplace.length === 0) {
    return alreadyServing.length > 0
      ? { status: 'DONE', message: `Version ${change.versionExternalId} already serves DataRobot deployment(s) ${alreadyServing.map((d) => d.deploymentId).join(', ')}.` }
      : {
          status: 'UNSUPPORTED',
          message: `No production DataRobot deployment of registered model ${modelId} can take version ${change.versionExternalId} by model replacement; create the deployment in DataRobot.`,
        };
  }
  for (const deployment of toReplace) {
    const path = `deployments/${encodeURIComponent(deployment.deploymentId)}/model/`;
    const validation = await client.sendJson<RawReplacementValidation>('POST', `${path}validation/`, { modelPackageId: change.versionExternalId }, 'deployments/validate-replacement', signal);
    if (validation?.status === 'failing') {
      const failing = Object.entries(validation.checks ?? {})
        .filter(([, check]) => check?.status === 'failing')
        .map(([name, check]) => `${name}: ${check.message ?? 'failing'}`);
      throw new ConnectorError(
        `${client.label}: deployment ${deployment.deploymentId} refuses version ${change.versionExternalId} (${validation.message ?? 'validation failing'}; ${failing.join('; ')})`,
        'datarobot',
        200,
        false,
      );
    }
    await client.runAsync('PATCH', path, { modelPackageId: change.versionExternalId, reason: REPLACEMENT_REASON }, 'deployments/replace-model', signal);
  }
  return {
    status: 'DONE',
    message: `Replaced the model of DataRobot deployment(s) ${toReplace.map((d) => d.deploymentId).join(', ')} with version ${change.versionExternalId} (change request ${change.changeRequestRef}).`,
  };
}

/**
 * Deployments matching `keep`, from a full listing: the reference confirms no filter by package on
 * `/deployments/`. Only the few matches are kept in memory.
 */
async function findDeployments(
  client: DataRobotClient,
  classifyEnvironment: EnvironmentClassifier,
  signal: AbortSignal,
  keep: (link: DeploymentLink) => boolean,
): Promise<DeploymentLink[]> {
  const matches: DeploymentLink[] = [];
  for await (const page of client.pages<RawDeployment>('deployments/', 'deployments/list', signal)) {
    for (const raw of page) {
      const link = raw && typeof raw === 'object' ? deploymentLinkOf(raw, classifyEnvironment) : null;
      if (link && keep(link)) matches.push(link);
    }
  }
  return matches;
}
