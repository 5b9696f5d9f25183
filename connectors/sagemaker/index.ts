import type { UpdateModelPackageCommandInput } from '@aws-sdk/client-sagemaker';
import {
  AuthenticationError,
  ConnectorError,
  WRITE_BACK_RETRY,
  type ConnectionCheck,
  type Connector,
  type ConnectorDeps,
  type LifecycleState,
  type LifecycleWriteBack,
  type NormalisedBatch,
  type WriteBackOutcome,
} from '../contract.js';
import { SAGEMAKER_MAX_PAGE_SIZE, SageMakerApi } from './client.js';
import { sageMakerSecretSchema, sageMakerSettingsSchema, type SageMakerSecret, type SageMakerSettingsInput } from './config.js';
import { listSageMakerEstate } from './listing.js';
import { compileEnvironmentRule } from '../shared/environment.js';

export { sageMakerSecretSchema, sageMakerSettingsSchema, type SageMakerSecret, type SageMakerSettings, type SageMakerSettingsInput } from './config.js';

/**
 * Governed state → SageMaker approval. SageMaker only knows approved / rejected / pending; APPROVED and
 * PRODUCTION both mean "cleared to deploy" (SageMaker pipelines deploy on `Approved`), RETIRED withdraws it.
 * DEVELOPMENT and VALIDATION are not written back: flipping a package back to `PendingManualApproval` can
 * re-trigger or cancel the team's own CI/CD, which the hub should not do implicitly.
 */
const APPROVAL_FOR_STATE: Partial<Record<LifecycleState, 'Approved' | 'Rejected'>> = {
  APPROVED: 'Approved',
  PRODUCTION: 'Approved',
  RETIRED: 'Rejected',
};

/** The hub's keys in a package's `CustomerMetadataProperties`, beside the team's own. */
const LIFECYCLE_KEY = 'modelops.lifecycle';
const CHANGE_REQUEST_KEY = 'modelops.change_request';
/** SageMaker's cap on `CustomerMetadataProperties` entries. */
const MAX_CUSTOMER_METADATA = 50;
/** UpdateModelPackage's `ApprovalDescription` limit. */
const MAX_APPROVAL_DESCRIPTION = 1024;

/** The change's summary, then the link to the request; a summary too long for SageMaker is shortened, the link never. */
function approvalDescription(change: LifecycleWriteBack): string {
  const link = change.changeRequestUrl ? ` ${change.changeRequestUrl}` : '';
  const room = MAX_APPROVAL_DESCRIPTION - link.length;
  if (change.summary.length <= room) return change.summary + link;
  let cut = room - 1;
  // Never split a surrogate pair: a lone half is not a character SageMaker (or anyone) can store.
  if (/[\uD800-\uDBFF]/.test(change.summary.charAt(cut - 1))) cut -= 1;
  return `${change.summary.slice(0, cut)}…${link}`;
}

/**
 * The package's metadata with the hub's keys set. The whole map is sent, not only the hub's keys: AWS merges what it
 * is sent, but SageMaker implementations that replace the map would otherwise erase the team's own keys (an `owner`
 * the hub itself reads). Refused before sending when the hub's keys would push the map past SageMaker's cap.
 */
function mergedMetadata(arn: string, current: Record<string, string> | undefined, hubKeys: Record<string, string>): Record<string, string> {
  const merged = { ...current, ...hubKeys };
  const count = Object.keys(merged).length;
  if (count > MAX_CUSTOMER_METADATA) {
    throw new ConnectorError(
      `Model package ${arn} would carry ${count} CustomerMetadataProperties with the hub's ${Object.keys(hubKeys).join(', ')}; SageMaker allows ${MAX_CUSTOMER_METADATA}, so nothing was changed at SageMaker. Remove unused keys from the package.`,
      'sagemaker',
      null,
      false,
    );
  }
  return merged;
}

/** Builds the connector of one SageMaker source. Settings and secret are validated here as well. */
export function createSageMakerConnector(settings: SageMakerSettingsInput, secret: SageMakerSecret, deps: ConnectorDeps = {}): Connector {
  const validSettings = sageMakerSettingsSchema.parse(settings);
  const api = new SageMakerApi(validSettings, sageMakerSecretSchema.parse(secret), deps);
  // Write-backs send each request once: the hub's outbox retries them (WRITE_BACK_RETRY).
  const writeBackApi = new SageMakerApi(validSettings, sageMakerSecretSchema.parse(secret), { ...deps, retry: { ...deps.retry, ...WRITE_BACK_RETRY } });
  const pageSize = Math.max(1, Math.min(deps.pageSize ?? SAGEMAKER_MAX_PAGE_SIZE, SAGEMAKER_MAX_PAGE_SIZE));
  const classifyEnvironment = compileEnvironmentRule(validSettings.environmentRule);

  return {
    vendor: 'sagemaker',

    list(signal: AbortSignal): AsyncIterable<NormalisedBatch> {
      return listSageMakerEstate(api, { region: validSettings.region, classifyEnvironment, pageSize, concurrency: 8, groupsAhead: 4, flushVersions: 1_000, cacheEntries: 512, logger: deps.logger }, signal);
    },

    async check(signal: AbortSignal): Promise<ConnectionCheck> {
      const details = { region: validSettings.region, ...(validSettings.endpoint ? { endpoint: validSettings.endpoint } : {}) };
      try {
        await api.probe(signal);
        return { ok: true, message: `Connected to ${api.label}: the credentials may list model package groups.`, details };
      } catch (error) {
        if (signal.aborted) throw error;
        return { ok: false, message: describeFailure(error, api.label), details };
      }
    },

    async applyLifecycle(change: LifecycleWriteBack, signal: AbortSignal): Promise<WriteBackOutcome> {
      const approval = APPROVAL_FOR_STATE[change.toState];
      if (!approval) {
        return { status: 'UNSUPPORTED', message: `SageMaker has no approval status for ${change.toState}; nothing was changed at the vendor.` };
      }
      if (!change.versionExternalId.startsWith('arn:')) {
        return { status: 'UNSUPPORTED', message: `SageMaker write-back needs a model package ARN, got "${change.versionExternalId}".` };
      }
      // Idempotent delivery: a worker that died after its call reached SageMaker leaves the change already applied.
      // The package then carries this change request's id; writing again would only add a second vendor-side event.
      const current = await writeBackApi.describeModelPackage(change.versionExternalId, signal);
      if (current === null) {
        return { status: 'UNSUPPORTED', message: `Model package ${change.versionExternalId} no longer exists at SageMaker; nothing was changed.` };
      }
      if (current.ModelApprovalStatus === approval && current.CustomerMetadataProperties?.[CHANGE_REQUEST_KEY] === change.changeRequestRef) {
        return { status: 'DONE', message: `ModelApprovalStatus=${approval} was already set on ${change.versionExternalId} by change request ${change.changeRequestRef}.` };
      }
      const input: UpdateModelPackageCommandInput = {
        ModelPackageArn: change.versionExternalId,
        ModelApprovalStatus: approval,
        ApprovalDescription: approvalDescription(change),
        CustomerMetadataProperties: mergedMetadata(change.versionExternalId, current.CustomerMetadataProperties, {
          [LIFECYCLE_KEY]: change.toState,
          [CHANGE_REQUEST_KEY]: change.changeRequestRef,
        }),
      };
      await writeBackApi.updateModelPackage(input, signal);
      return { status: 'DONE', message: `Set ModelApprovalStatus=${approval} on ${change.versionExternalId} (change request ${change.changeRequestRef}).` };
    },
  };
}

function describeFailure(error: unknown, label: string): string {
  if (error instanceof AuthenticationError) return error.message;
  if (error instanceof ConnectorError) {
    if (error.status === null && error.retryable) return `Could not reach ${label}. Check the region, the endpoint URL and the network path. (${error.message})`;
    return error.message;
  }
  return `${label}: unexpected failure: ${(error as Error).message ?? String(error)}`;
}
