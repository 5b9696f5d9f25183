import { MalformedResponseError, emptyBatch, type ConnectorLogger, type NormalisedBatch } from '../contract.js';
import type { MlflowClient } from './client.js';
import { normaliseDeployments, normaliseModel, normaliseVersion, recordError, versionExternalId, type NormaliseContext } from './normalise.js';
import { nameEqualsFilter } from './unconfirmed.js';
import type { MlflowModelVersion, MlflowRegisteredModel, MlflowRun } from './wire.js';

/** Registered models of one page processed at once (each: its version search, then its runs). */
export const MODEL_CONCURRENCY = 4;

export interface ListingOptions {
  client: MlflowClient;
  context: NormaliseContext;
  /** Registered models per page. */
  pageSize: number;
  logger?: ConnectorLogger;
}

/**
 * The whole registry, one batch per `registered-models/search` page.
 *
 * Strategy (why per model and not one global `model-versions/search`): the global search is not ordered like the
 * registered-model pages, so grouping it per page would mean holding the whole estate. Per model, memory is one page
 * of models with their versions and runs, and the request count is pages + models + versions (runs dominate).
 * The next page is requested only when the consumer pulls the next batch.
 *
 * NOTE: MLflow's page tokens are offsets and registered models can only be filtered by name equality/LIKE, so there
 * is no keyset paging. A model deleted from an already-read page shifts the next page by one, and the listing misses
 * one later model; the next full listing sees it again. Nothing in the API lets a client detect this.
 */
export async function* listEstate(options: ListingOptions, signal: AbortSignal): AsyncGenerator<NormalisedBatch> {
  let pageToken: string | undefined;
  do {
    const page = await options.client.searchRegisteredModels(options.pageSize, pageToken, signal);
    const next = page.next_page_token || undefined;
    // NOTE: a server that hands back the token it was given would page forever; treat it as a broken answer.
    if (next !== undefined && next === pageToken) {
      throw new MalformedResponseError(`${options.client.label}: registered-models/search returned the same page token twice`, 'mlflow', 200);
    }
    yield await pageBatch(page.registered_models ?? [], options, signal);
    pageToken = next;
  } while (pageToken !== undefined);
}

/** Everything for one page of registered models; throws (the page is not yielded) when any request gives up. */
async function pageBatch(models: MlflowRegisteredModel[], options: ListingOptions, signal: AbortSignal): Promise<NormalisedBatch> {
  const parts = await mapConcurrently(models, MODEL_CONCURRENCY, signal, (model, taskSignal) => modelBatch(model, options, taskSignal));
  const batch = emptyBatch();
  for (const part of parts) {
    batch.models.push(...part.models);
    batch.versions.push(...part.versions);
    batch.deployments.push(...part.deployments);
    batch.errors.push(...part.errors);
  }
  return batch;
}

async function modelBatch(model: MlflowRegisteredModel, options: ListingOptions, signal: AbortSignal): Promise<NormalisedBatch> {
  const batch = emptyBatch();
  const name = typeof model?.name === 'string' && model.name !== '' ? model.name : null;
  if (name === null) {
    batch.errors.push({ kind: 'model', externalId: '(registered model without a name)', reason: 'registered model has no name' });
    return batch;
  }
  const filter = nameEqualsFilter(name);
  if (filter === null) {
    batch.errors.push({ kind: 'model', externalId: name, reason: 'the name holds both quote characters and cannot be put in a search filter; its versions cannot be listed' });
    return batch;
  }

  const versions = await allVersions(options.client, filter, signal);
  // A model deleted after its page was read has no versions any more; confirm before reporting an empty model.
  if (versions.length === 0 && (await options.client.getRegisteredModel(name, signal)) === null) {
    options.logger?.debug({ vendor: 'mlflow', model: name }, 'registered model vanished during the listing; skipped');
    return batch;
  }

  try {
    batch.models.push(normaliseModel(model, versions, options.context));
  } catch (error) {
    batch.errors.push(recordError('model', name, error));
  }

  const runs = new Map<string, MlflowRun | null>();
  for (const version of versions) {
    const runId = typeof version.run_id === 'string' && version.run_id !== '' ? version.run_id : null;
    if (runId !== null && !runs.has(runId)) {
      const run = await options.client.getRun(runId, signal);
      if (run === null) options.logger?.debug({ vendor: 'mlflow', model: name, version: version.version, runId }, 'run not readable; version kept without run lineage');
      runs.set(runId, run);
    }
    try {
      batch.versions.push(normaliseVersion(version, runId === null ? null : (runs.get(runId) ?? null), model.aliases, options.context));
    } catch (error) {
      batch.errors.push(recordError('version', versionExternalId(name, String(version?.version ?? '?')), error));
    }
  }

  try {
    const { deployments, errors } = normaliseDeployments(model, versions, options.context);
    batch.deployments.push(...deployments);
    batch.errors.push(...errors);
  } catch (error) {
    batch.errors.push(recordError('deployment', name, error));
  }
  return batch;
}

async function allVersions(client: MlflowClient, filter: string, signal: AbortSignal): Promise<MlflowModelVersion[]> {
  const versions: MlflowModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.searchModelVersions(filter, pageToken, signal);
    versions.push(...(page.model_versions ?? []));
    const next = page.next_page_token || undefined;
    if (next !== undefined && next === pageToken) {
      throw new MalformedResponseError(`${client.label}: model-versions/search returned the same page token twice`, 'mlflow', 200);
    }
    pageToken = next;
  } while (pageToken !== undefined);
  return versions;
}

/**
 * `fn` over `items` with at most `limit` in flight, results in input order. The first failure aborts the others
 * (their requests stop) and is what the caller sees.
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, signal: AbortSignal, fn: (item: T, signal: AbortSignal) => Promise<R>): Promise<R[]> {
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < items.length && failure === null) {
      const index = next++;
      try {
        results[index] = await fn(items[index], controller.signal);
      } catch (error) {
        failure ??= { error };
        controller.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  } finally {
    signal.removeEventListener('abort', forward);
  }
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
