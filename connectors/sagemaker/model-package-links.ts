import type { DescribeModelOutput, SearchRecord } from '@aws-sdk/client-sagemaker';
import { mapConcurrently } from '../shared/map-concurrently.js';
import { BoundedCache } from './bounded-cache.js';
import { SearchRefusedError, type SageMakerApi } from './client.js';
import { modelPackageReference } from './normalise.js';
import type { SearchAvailability } from './search-fallback.js';
import { MODEL_SEARCH_MAX_FILTERS, searchRecordHasContainers } from './unconfirmed.js';

export interface ModelPackageLinkOptions {
  /** MaxResults per model Search call (1..100). */
  pageSize: number;
  /** Model Searches, DescribeModel and DescribeModelPackage calls in flight at once. */
  concurrency: number;
  /** Model names whose package is remembered for the rest of the run. */
  cacheEntries: number;
}

type ModelContainers = Pick<DescribeModelOutput, 'PrimaryContainer' | 'Containers'>;

/** Where the run may look models up with Search: its shared refusal state and the model Search's own. */
export interface ModelSearchStates {
  run: SearchAvailability;
  models: SearchAvailability;
}

/**
 * SageMaker Model name → the model package ARN it runs, for one run. The names a page of endpoints needs are looked
 * up together: `Search` on Resource `Model`, ≤50 names a request, replaces one DescribeModel per model; a name the
 * Search did not give (index lag, a filter that matched nothing, a record without containers) is described
 * individually, so no endpoint loses its link for Search's sake. Once the model Search or the run's Searches are
 * refused, every name is described. A name is looked up once while it stays in a bounded cache.
 */
export class ModelPackageLinks {
  private readonly cache: BoundedCache<string | null>;

  constructor(
    private readonly api: SageMakerApi,
    private readonly options: ModelPackageLinkOptions,
    private readonly search: ModelSearchStates,
    private readonly signal: AbortSignal,
  ) {
    this.cache = new BoundedCache(options.cacheEntries);
  }

  /** The package ARN behind each name (null: the model is gone or was not built from a package). */
  async packagesOf(names: Iterable<string>): Promise<Map<string, string | null>> {
    const pending = new Map<string, Promise<string | null>>();
    const uncached: string[] = [];
    for (const name of new Set(names)) {
      const cached = this.cache.peek(name);
      if (cached) pending.set(name, cached);
      else uncached.push(name);
    }
    if (uncached.length > 0) {
      const lookup = this.lookUp(uncached);
      for (const name of uncached) pending.set(name, this.cache.set(name, lookup.then((found) => found.get(name) ?? null)));
    }
    const packages = new Map<string, string | null>();
    for (const [name, arn] of pending) packages.set(name, await arn);
    return packages;
  }

  /**
   * The package behind each of `names`, and only those: a Search record of a name not asked for (the filter's Equals
   * semantics are unconfirmed) is never read, and says nothing about the names asked, which are described if missing.
   */
  private async lookUp(names: string[]): Promise<Map<string, string | null>> {
    const models = new Map<string, ModelContainers | null>(await this.searched(names));
    const missed = names.filter((name) => !models.has(name));
    const described = await mapConcurrently(missed, this.options.concurrency, this.signal, (name, signal) => this.api.describeModel(name, signal));
    missed.forEach((name, i) => models.set(name, described[i]));
    const arns = await mapConcurrently(names, this.options.concurrency, this.signal, (name, signal) => this.packageArn(models.get(name) ?? null, signal));
    return new Map(names.map((name, i) => [name, arns[i]]));
  }

  /** The package ARN a Model runs; a package given by name is described once to learn its ARN. */
  private async packageArn(model: ModelContainers | null, signal: AbortSignal): Promise<string | null> {
    const reference = model ? modelPackageReference(model) : null;
    if (!reference || reference.startsWith('arn:')) return reference;
    const pkg = await this.api.describeModelPackage(reference, signal);
    return pkg?.ModelPackageArn ?? reference;
  }

  /** The models the Search gave for `names`, by name; none while Search is refused for this run or for models. */
  private async searched(names: string[]): Promise<Map<string, ModelContainers>> {
    const found = new Map<string, ModelContainers>();
    const chunks: string[][] = [];
    for (let i = 0; i < names.length; i += MODEL_SEARCH_MAX_FILTERS) chunks.push(names.slice(i, i + MODEL_SEARCH_MAX_FILTERS));
    await mapConcurrently(chunks, this.options.concurrency, this.signal, async (chunk, signal) => {
      if (!this.searchAllowed()) return;
      try {
        for await (const records of this.api.searchModelPages(chunk, this.options.pageSize, signal)) {
          for (const record of records) keepComplete(record, found);
        }
      } catch (error) {
        if (!(error instanceof SearchRefusedError)) throw error;
        this.search.models.refuse(error.message, 'models');
      }
    });
    return found;
  }

  private searchAllowed(): boolean {
    return this.search.run.refused === null && this.search.models.refused === null;
  }
}

/** Keeps a record's model by name when it names its containers (an incomplete record leaves the model to DescribeModel). */
function keepComplete(record: SearchRecord, found: Map<string, ModelContainers>): void {
  const model = record.Model?.Model;
  if (model?.ModelName && searchRecordHasContainers(model)) found.set(model.ModelName, model);
}
