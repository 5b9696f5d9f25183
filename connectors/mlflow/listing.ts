import { emptyBatch, type ConnectorLogger, type NormalisedBatch, type RecordError } from '../contract.js';
import type { MlflowClient } from './client.js';
import { mapConcurrently } from '../shared/map-concurrently.js';
import { normaliseDeployments, normaliseModel, normaliseVersion, recordError, versionExternalId, type NormaliseContext } from './normalise.js';
import { RunReader, type RunReaderOptions, type RunsById } from './run-reader.js';
import { nameEqualsFilter } from './unconfirmed.js';
import { nextPageToken } from './page-token.js';
import type { MlflowModelVersion, MlflowRegisteredModel } from './wire.js';

/** Registered models of one page whose versions are searched at once. */
export const MODEL_CONCURRENCY = 4;

export interface ListingOptions {
  client: MlflowClient;
  context: NormaliseContext;
  /** Registered models per page. */
  pageSize: number;
  logger?: ConnectorLogger;
  /** Bulk run-read sizes (tests shrink them); see run-reader.ts. */
  runReading?: Pick<RunReaderOptions, 'runIdsPerSearch' | 'experimentIdsPerSearch'>;
}

/**
 * The whole registry, one batch per `registered-models/search` page.
 *
 * Strategy (why per model and not one global `model-versions/search`): the global search is not ordered like the
 * registered-model pages, so grouping it per page would mean holding the whole estate. Per page, the versions are
 * searched per model, then the runs behind all of the page's versions are read together (run-reader.ts: in chunks
 * with `runs/search`, `runs/get` for what the search does not return). Memory is one page of models with their
 * versions and runs; the request count is pages + models + about one per 100 versions (it used to be one per version).
 * The next page is requested only when the consumer pulls the next batch.
 *
 * NOTE: MLflow's page tokens are offsets and registered models can only be filtered by name equality/LIKE, so there
 * is no keyset paging. A model deleted from an already-read page shifts the next page by one, and the listing misses
 * one later model. Nothing in a listing shows it, so the sync asks about every model it did not see before it
 * tombstones anything (`presentModels` in index.ts): the missed model is kept, and the next listing reads it.
 */
export async function* listEstate(options: ListingOptions, signal: AbortSignal): AsyncGenerator<NormalisedBatch> {
  const runReader = new RunReader({ client: options.client, logger: options.logger, ...options.runReading });
  let pageToken: string | undefined;
  do {
    const page = await options.client.searchRegisteredModels(options.pageSize, pageToken, signal);
    const next = nextPageToken(page.next_page_token, pageToken, { label: options.client.label, operation: 'registered-models/search' });
    yield await pageBatch(page.registered_models ?? [], options, runReader, signal);
    pageToken = next;
  } while (pageToken !== undefined);
}

/** A registered model with its versions, or the reason it yields no records. */
type ListedModel = { model: MlflowRegisteredModel; name: string; versions: MlflowModelVersion[] } | { error: RecordError } | { vanished: true };

/** Everything for one page of registered models; throws (the page is not yielded) when any request gives up. */
async function pageBatch(models: MlflowRegisteredModel[], options: ListingOptions, runReader: RunReader, signal: AbortSignal): Promise<NormalisedBatch> {
  const listed = await mapConcurrently(models, MODEL_CONCURRENCY, signal, (model, taskSignal) => listVersions(model, options, taskSignal));
  const runIds = listed.flatMap((entry) => ('versions' in entry ? entry.versions.map(runIdOf).filter((id): id is string => id !== null) : []));
  const runs = await runReader.read(runIds, signal);
  const experimentIds = [...runs.values()].map((run) => run?.info?.experiment_id).filter((id): id is string => typeof id === 'string' && id !== '');
  const experimentNames = await runReader.experimentNames(experimentIds, signal);
  const batch = emptyBatch();
  for (const entry of listed) {
    if ('error' in entry) batch.errors.push(entry.error);
    else if ('versions' in entry) appendModel(batch, entry, { runs, experimentNames }, options);
  }
  return batch;
}

/** What the page's versions were trained by: their runs, and the names of those runs' experiments. */
interface PageRuns {
  runs: RunsById;
  experimentNames: ReadonlyMap<string, string | null>;
}

async function listVersions(model: MlflowRegisteredModel, options: ListingOptions, signal: AbortSignal): Promise<ListedModel> {
  const name = typeof model?.name === 'string' && model.name !== '' ? model.name : null;
  if (name === null) return { error: { kind: 'model', externalId: '(registered model without a name)', reason: 'registered model has no name' } };
  const filter = nameEqualsFilter(name);
  if (filter === null) {
    return { error: { kind: 'model', externalId: name, reason: 'the name holds both quote characters and cannot be put in a search filter; its versions cannot be listed' } };
  }
  const versions = await allVersions(options.client, filter, signal);
  // A model deleted after its page was read has no versions any more; confirm before reporting an empty model.
  if (versions.length === 0 && (await options.client.getRegisteredModel(name, signal)) === null) {
    options.logger?.debug({ vendor: 'mlflow', model: name }, 'registered model vanished during the listing; skipped');
    return { vanished: true };
  }
  return { model, name, versions };
}

/** The normalised model, its versions (each with its run) and its deployments; failures become error rows. */
function appendModel(batch: NormalisedBatch, listed: { model: MlflowRegisteredModel; name: string; versions: MlflowModelVersion[] }, { runs, experimentNames }: PageRuns, options: ListingOptions): void {
  const { model, name, versions } = listed;
  try {
    batch.models.push(normaliseModel(model, versions, options.context));
  } catch (error) {
    batch.errors.push(recordError('model', name, error));
  }

  const reported = new Set<string>();
  for (const version of versions) {
    const runId = runIdOf(version);
    const run = runId === null ? null : (runs.get(runId) ?? null);
    if (runId !== null && run === null && !reported.has(runId)) {
      reported.add(runId);
      options.logger?.debug({ vendor: 'mlflow', model: name, version: version.version, runId }, 'run not readable; version kept without run lineage');
    }
    try {
      const experimentName = experimentNames.get(run?.info?.experiment_id ?? '') ?? null;
      batch.versions.push(normaliseVersion(version, run, model.aliases, options.context, experimentName));
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
}

function runIdOf(version: MlflowModelVersion): string | null {
  return typeof version?.run_id === 'string' && version.run_id !== '' ? version.run_id : null;
}

async function allVersions(client: MlflowClient, filter: string, signal: AbortSignal): Promise<MlflowModelVersion[]> {
  const versions: MlflowModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.searchModelVersions(filter, pageToken, signal);
    versions.push(...(page.model_versions ?? []));
    pageToken = nextPageToken(page.next_page_token, pageToken, { label: client.label, operation: 'model-versions/search' });
  } while (pageToken !== undefined);
  return versions;
}
