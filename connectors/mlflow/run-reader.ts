import { ConnectorError, type ConnectorLogger } from '../contract.js';
import type { MlflowClient } from './client.js';
import { mapConcurrently } from '../shared/map-concurrently.js';
import { nextPageToken } from './page-token.js';
import {
  BULK_RUN_READ_REFUSAL_STATUSES,
  EXPERIMENT_IDS_PER_SEARCH,
  EXPERIMENTS_PAGE_SIZE,
  RUN_IDS_PER_SEARCH,
  isSearchableRunId,
  runIdsFilter,
} from './unconfirmed.js';
import type { MlflowExperiment, MlflowRun } from './wire.js';

/** Each run asked for: the run, or null when it cannot be read (the version is then kept without run lineage). */
export type RunsById = Map<string, MlflowRun | null>;

/** `runs/search` requests of one page in flight at once: each does the server-side work of 100 `runs/get`. */
export const RUN_SEARCH_CONCURRENCY = 2;
/** `runs/get` requests in flight at once: what the per-model listing used to reach (4 models, one run at a time). */
export const RUN_GET_CONCURRENCY = 4;

export interface RunReaderOptions {
  client: MlflowClient;
  logger?: ConnectorLogger;
  /** Overrides of the unconfirmed.ts sizes (tests use small ones). */
  runIdsPerSearch?: number;
  experimentIdsPerSearch?: number;
}

/**
 * Reads the runs behind a listing's model versions, one page at a time, with as few requests as the server allows,
 * and the names of their experiments.
 *
 * Bulk first: the server's experiments are listed once per listing (`experiments/search`; `runs/search` needs their
 * ids), then each page's run ids are searched in chunks (`runs/search` with `attributes.run_id IN (...)`). A run the
 * search does not return (deleted for good, in an experiment created after the experiment listing, an id the filter
 * cannot hold, or a server whose filter ignores the list) is read with `runs/get`, exactly as before, so none is
 * dropped. When the server refuses the bulk routes (see {@link BULK_RUN_READ_REFUSAL_STATUSES}), the reader logs why
 * once and reads every run with `runs/get` for the rest of the listing; the next listing tries bulk again.
 *
 * Experiment names come with the experiment listing; an experiment it did not list (bulk reads refused, or created
 * since) is read once with `experiments/get`.
 *
 * One instance per listing. Memory: the experiments' ids and names, and the runs of the page being read.
 */
export class RunReader {
  private bulk = true;
  private experimentIds: string[] | null = null;
  /** Experiment id → name (null: unreadable or unnamed), from the listing or `experiments/get`. */
  private readonly experimentNameById = new Map<string, string | null>();
  /** Experiments that held a run we searched for: searched first when there are too many to name at once. */
  private readonly busyExperiments = new Set<string>();
  private readonly runIdsPerSearch: number;
  private readonly experimentIdsPerSearch: number;

  constructor(private readonly options: RunReaderOptions) {
    this.runIdsPerSearch = options.runIdsPerSearch ?? RUN_IDS_PER_SEARCH;
    this.experimentIdsPerSearch = options.experimentIdsPerSearch ?? EXPERIMENT_IDS_PER_SEARCH;
  }

  /** The runs with these ids (duplicates are read once). Throws when a request gives up, like every listing call. */
  async read(runIds: readonly string[], signal: AbortSignal): Promise<RunsById> {
    const unique = [...new Set(runIds)];
    const runs: RunsById = new Map();
    if (this.bulk) await this.searchInto(runs, unique.filter(isSearchableRunId), signal);
    const missing = unique.filter((id) => !runs.has(id));
    const fetched = await mapConcurrently(missing, RUN_GET_CONCURRENCY, signal, (id, taskSignal) => this.options.client.getRun(id, taskSignal));
    missing.forEach((id, index) => runs.set(id, fetched[index]));
    return runs;
  }

  /** The names of these experiments; each one the experiment listing did not name costs one `experiments/get`. */
  async experimentNames(experimentIds: readonly string[], signal: AbortSignal): Promise<ReadonlyMap<string, string | null>> {
    const unknown = [...new Set(experimentIds)].filter((id) => !this.experimentNameById.has(id));
    const fetched = await mapConcurrently(unknown, RUN_GET_CONCURRENCY, signal, (id, taskSignal) => this.options.client.getExperiment(id, taskSignal));
    unknown.forEach((id, index) => this.experimentNameById.set(id, nameOf(fetched[index])));
    return this.experimentNameById;
  }

  private async searchInto(runs: RunsById, runIds: string[], signal: AbortSignal): Promise<void> {
    if (runIds.length === 0) return;
    try {
      const experimentIds = (this.experimentIds ??= await this.listExperimentIds(signal));
      if (experimentIds.length === 0) {
        this.fallBack('experiments/search listed no experiments, so runs/search has nothing to search in');
        return;
      }
      const chunks = chunked(runIds, this.runIdsPerSearch);
      await mapConcurrently(chunks, RUN_SEARCH_CONCURRENCY, signal, (chunk, taskSignal) => this.searchChunk(chunk, experimentIds, runs, taskSignal));
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // Runs already found are kept; the caller reads the rest with runs/get.
      this.fallBack(`the server refused a bulk run read (${error.message})`, error.status);
    }
  }

  /** Searches one chunk of run ids in every experiment group until all are found or the groups run out. */
  private async searchChunk(runIds: string[], experimentIds: string[], runs: RunsById, signal: AbortSignal): Promise<void> {
    const wanted = new Set(runIds);
    for (const group of experimentGroups(experimentIds, this.busyExperiments, this.experimentIdsPerSearch)) {
      if (wanted.size === 0) return;
      const filter = runIdsFilter([...wanted]);
      let pageToken: string | undefined;
      let found: number;
      do {
        const page = await this.options.client.searchRuns({ experiment_ids: group, filter, run_view_type: 'ALL', max_results: this.runIdsPerSearch, page_token: pageToken }, signal);
        found = 0;
        for (const run of page.runs ?? []) {
          const id = run?.info?.run_id ?? run?.info?.run_uuid;
          // Only runs we asked for: a server whose filter ignores the list answers with others.
          if (typeof id !== 'string' || !wanted.has(id)) continue;
          wanted.delete(id);
          runs.set(id, run);
          found++;
          if (typeof run.info?.experiment_id === 'string') this.busyExperiments.add(run.info.experiment_id);
        }
        pageToken = nextPageToken(page.next_page_token, pageToken, { label: this.options.client.label, operation: 'runs/search' });
        // A page without any run we asked for means the filter is not doing its job: paging on could walk the whole
        // server, so the rest is left to runs/get.
      } while (pageToken !== undefined && wanted.size > 0 && found > 0);
    }
  }

  private async listExperimentIds(signal: AbortSignal): Promise<string[]> {
    const ids = new Set<string>();
    let pageToken: string | undefined;
    do {
      const page = await this.options.client.searchExperiments(EXPERIMENTS_PAGE_SIZE, pageToken, signal);
      for (const experiment of page.experiments ?? []) {
        if (typeof experiment?.experiment_id !== 'string' || experiment.experiment_id === '') continue;
        ids.add(experiment.experiment_id);
        this.experimentNameById.set(experiment.experiment_id, nameOf(experiment));
      }
      pageToken = nextPageToken(page.next_page_token, pageToken, { label: this.options.client.label, operation: 'experiments/search' });
    } while (pageToken !== undefined);
    return [...ids];
  }

  private fallBack(reason: string, status?: number | null): void {
    this.bulk = false;
    this.options.logger?.warn(
      { vendor: 'mlflow', source: this.options.client.label, status: status ?? null, reason },
      'MLflow runs cannot be read in bulk on this server; reading each run with runs/get for the rest of this listing',
    );
  }
}

function nameOf(experiment: MlflowExperiment | null): string | null {
  return typeof experiment?.name === 'string' && experiment.name !== '' ? experiment.name : null;
}

function isRefusal(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError && error.status !== null && BULK_RUN_READ_REFUSAL_STATUSES.has(error.status);
}

/**
 * The experiment ids to name per `runs/search`: all at once when they fit, otherwise groups of `size` with the
 * experiments that already held searched runs first (versions of one estate tend to come from few experiments, so
 * most chunks are answered by the first group).
 */
export function experimentGroups(experimentIds: readonly string[], busy: ReadonlySet<string>, size: number): string[][] {
  if (experimentIds.length <= size) return [[...experimentIds]];
  const ordered = [...experimentIds.filter((id) => busy.has(id)), ...experimentIds.filter((id) => !busy.has(id))];
  return chunked(ordered, size);
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
