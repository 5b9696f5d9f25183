import { ConnectorError, VendorNotFoundError, type LifecycleWriteBack, type WriteBackOutcome } from '../contract.js';
import type { MlflowClient } from './client.js';
import type { MlflowSettings } from './config.js';

/** The version tag every write-back sets, so MLflow users see the governed state next to the version. */
export const LIFECYCLE_TAG = 'modelops.lifecycle';
/** The link to the change request in the hub, when the hub knows its public URL. */
export const CHANGE_REQUEST_URL_TAG = 'modelops.change_request_url';
/** Set last, after every other step: its presence means this change request was fully delivered. */
export const CHANGE_REQUEST_TAG = 'modelops.change_request';

/**
 * Delivers an approved lifecycle change to MLflow. Every step is idempotent, so a retried job is harmless:
 * 1. when the target state has an alias in `aliasByState`, point it at the version (`POST registered-models/alias`);
 * 2. on RETIRED, remove the version's aliases that `aliasByState` governs (`DELETE registered-models/alias`);
 * 3. always tag the version `modelops.lifecycle=<state>` (`POST model-versions/set-tag`), with a link to the request
 *    when there is one, then `modelops.change_request=<the request's API id>`, which marks the delivery complete: a
 *    worker that died after its calls reached MLflow leaves that tag behind, and the retry then writes nothing.
 * Only these tags and the aliases `aliasByState` governs are touched; the team's own tags and aliases stay. The values
 * are far below MLflow's 5000-character tag value limit (HUB_PUBLIC_URL is capped).
 * Stages are left alone: they are deprecated in favour of aliases.
 */
export async function applyMlflowLifecycle(
  client: MlflowClient,
  settings: Pick<MlflowSettings, 'aliasByState'>,
  change: LifecycleWriteBack,
  signal: AbortSignal,
): Promise<WriteBackOutcome> {
  const { name, version } = parseVersionExternalId(change.versionExternalId, change.modelExternalId);
  const current = await client.getModelVersion(name, version, signal);
  if (current.tags?.some((tag) => tag.key === CHANGE_REQUEST_TAG && tag.value === change.changeRequestRef)) {
    return { status: 'DONE', message: `MLflow ${name} version ${version}: change request ${change.changeRequestRef} was already delivered.` };
  }
  const done: string[] = [];

  const alias = settings.aliasByState[change.toState];
  if (alias) {
    await client.setAlias(name, alias, version, signal);
    done.push(`set alias "${alias}"`);
  }

  if (change.toState === 'RETIRED') {
    const governed = new Set(Object.values(settings.aliasByState).filter((a): a is string => !!a && a !== alias));
    const held = current.aliases ?? [];
    const removed: string[] = [];
    for (const candidate of held.filter((a) => governed.has(a))) {
      try {
        await client.deleteAlias(name, candidate, signal);
      } catch (error) {
        // Someone removed it since we read the version: the goal is reached.
        if (!(error instanceof VendorNotFoundError)) throw error;
      }
      removed.push(`"${candidate}"`);
    }
    done.push(removed.length > 0 ? `removed alias ${removed.join(', ')}` : 'no governed alias to remove');
  }

  await client.setVersionTag(name, version, LIFECYCLE_TAG, change.toState, signal);
  if (change.changeRequestUrl) await client.setVersionTag(name, version, CHANGE_REQUEST_URL_TAG, change.changeRequestUrl, signal);
  await client.setVersionTag(name, version, CHANGE_REQUEST_TAG, change.changeRequestRef, signal);
  done.push(`tagged ${LIFECYCLE_TAG}=${change.toState}`);
  if (!alias && change.toState !== 'RETIRED') done.push(`no alias is configured for ${change.toState}`);

  return { status: 'DONE', message: `MLflow ${name} version ${version}: ${done.join('; ')} (change request ${change.changeRequestRef}).` };
}

/** `<model name>/<version>` → its parts; model names may contain `/`, versions never do. */
export function parseVersionExternalId(externalId: string, modelExternalId: string | null): { name: string; version: string } {
  const prefix = modelExternalId !== null ? `${modelExternalId}/` : null;
  const cut = prefix !== null && externalId.startsWith(prefix) ? prefix.length - 1 : externalId.lastIndexOf('/');
  const name = externalId.slice(0, cut);
  const version = externalId.slice(cut + 1);
  if (cut <= 0 || !/^\d+$/.test(version)) {
    throw new ConnectorError(`"${externalId}" is not an MLflow model version id (<model name>/<version>)`, 'mlflow', null, false);
  }
  return { name, version };
}
