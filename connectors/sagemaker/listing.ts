import type { DescribeModelPackageOutput, EndpointSummary, ModelPackageGroupSummary } from '@aws-sdk/client-sagemaker';
import { emptyBatch, type NormalisedBatch, type RecordError } from '../contract.js';
import type { SageMakerApi } from './client.js';
import { modelPackageReference, normaliseEndpoint, normaliseGroup, normaliseVersion, type ResolvedEndpoint, type SageMakerContext } from './normalise.js';

export interface ListingOptions extends SageMakerContext {
  /** MaxResults per list call (1..100). */
  pageSize: number;
  /** Describe calls in flight at once within one page. */
  concurrency: number;
  /** A batch is yielded once it holds this many versions, even mid-page, so one huge group cannot pile up. */
  flushVersions: number;
  /** Entries kept in each per-run lookup cache (endpoint configs, models). */
  cacheEntries: number;
}

/**
 * The whole SageMaker estate as batches, lazily: model package groups page by page (each batch holds a page's
 * groups and their versions), then endpoints page by page (one batch per page). No list call is made before
 * the consumer asks for the batch that needs it, and nothing but two small bounded caches outlives a page.
 */
export async function* listSageMakerEstate(api: SageMakerApi, options: ListingOptions, signal: AbortSignal): AsyncGenerator<NormalisedBatch> {
  for await (const groups of api.groupPages(options.pageSize, signal)) {
    const buffer = new BatchBuffer();
    for (const group of groups) yield* listGroup(api, group, buffer, options, signal);
    if (!buffer.empty()) yield buffer.take();
  }

  const resolver = new EndpointResolver(api, options.cacheEntries, signal);
  for await (const endpoints of api.endpointPages(options.pageSize, signal)) {
    const batch = emptyBatch();
    const resolved = await mapLimit(endpoints, options.concurrency, (summary) => resolver.resolve(summary));
    endpoints.forEach((summary, i) => {
      const endpoint = resolved[i];
      if (!endpoint) return; // deleted since the list call
      attempt(batch.errors, 'deployment', summary.EndpointArn ?? summary.EndpointName, () => batch.deployments.push(...normaliseEndpoint(endpoint, options)));
    });
    yield batch;
  }
}

/**
 * Adds one group and its versions to the buffer; yields the buffered batch whenever it reaches `flushVersions`.
 * Versions come newest first, so the group (whose owner is read from its
 * latest version) goes out no later than its first version.
 */
async function* listGroup(api: SageMakerApi, group: ModelPackageGroupSummary, buffer: BatchBuffer, options: ListingOptions, signal: AbortSignal): AsyncGenerator<NormalisedBatch> {
  const groupId = group.ModelPackageGroupArn ?? group.ModelPackageGroupName ?? '(unnamed group)';
  if (!group.ModelPackageGroupArn || !group.ModelPackageGroupName) {
    buffer.current.errors.push({ kind: 'model', externalId: groupId, reason: 'group summary without ModelPackageGroupName or ModelPackageGroupArn' });
    return;
  }
  const tags = await api.tags(group.ModelPackageGroupArn, signal);
  if (tags === null) return; // deleted since the list call
  let modelAdded = false;
  const addModel = (latest: DescribeModelPackageOutput | null) => {
    modelAdded = true;
    const batch = buffer.current;
    attempt(batch.errors, 'model', groupId, () => batch.models.push(normaliseGroup(group, tags, latest, options)));
  };

  for await (const summaries of api.versionPages(group.ModelPackageGroupName, options.pageSize, signal)) {
    const described = await mapLimit(summaries, options.concurrency, (s) => (s.ModelPackageArn ? api.describeModelPackage(s.ModelPackageArn, signal) : Promise.resolve(null)));
    if (!modelAdded) addModel(described.find((d) => d !== null) ?? null);
    const batch = buffer.current;
    summaries.forEach((summary, i) => {
      const pkg = described[i];
      if (!summary.ModelPackageArn) {
        batch.errors.push({ kind: 'version', externalId: `${groupId}/version ${summary.ModelPackageVersion ?? '?'}`, reason: 'package summary without ModelPackageArn' });
        return;
      }
      if (!pkg) return; // deleted since the list call
      attempt(batch.errors, 'version', summary.ModelPackageArn, () => batch.versions.push(normaliseVersion(pkg, group.ModelPackageGroupArn!)));
    });
    if (batch.versions.length >= options.flushVersions) yield buffer.take();
  }
  if (!modelAdded) addModel(null);
}

/** The batch being filled; `take()` hands it over and starts a new one. */
class BatchBuffer {
  current: NormalisedBatch = emptyBatch();
  take(): NormalisedBatch {
    const full = this.current;
    this.current = emptyBatch();
    return full;
  }
  empty(): boolean {
    const b = this.current;
    return b.models.length + b.versions.length + b.deployments.length + b.errors.length === 0;
  }
}

/** Endpoint → config → models → package ARNs, with per-run caches (many endpoints share configs and models). */
class EndpointResolver {
  private readonly configs: BoundedCache<Awaited<ReturnType<SageMakerApi['describeEndpointConfig']>>>;
  private readonly packages: BoundedCache<string | null>;

  constructor(private readonly api: SageMakerApi, cacheEntries: number, private readonly signal: AbortSignal) {
    this.configs = new BoundedCache(cacheEntries);
    this.packages = new BoundedCache(cacheEntries);
  }

  async resolve(summary: EndpointSummary): Promise<ResolvedEndpoint | null> {
    if (!summary.EndpointName) return null;
    const endpoint = await this.api.describeEndpoint(summary.EndpointName, this.signal);
    if (!endpoint?.EndpointArn) return null;
    const config = endpoint.EndpointConfigName ? await this.configs.get(endpoint.EndpointConfigName, () => this.api.describeEndpointConfig(endpoint.EndpointConfigName!, this.signal)) : null;
    const packageByModel = new Map<string, string | null>();
    for (const variant of config?.ProductionVariants ?? []) {
      if (variant.ModelName && !packageByModel.has(variant.ModelName)) {
        packageByModel.set(variant.ModelName, await this.packages.get(variant.ModelName, () => this.packageOf(variant.ModelName!)));
      }
    }
    const tags = await this.api.tags(endpoint.EndpointArn, this.signal);
    if (tags === null) return null;
    return { endpoint, config, packageByModel, tags };
  }

  /** The package ARN a Model runs; a package given by name is described once to learn its ARN. */
  private async packageOf(modelName: string): Promise<string | null> {
    const model = await this.api.describeModel(modelName, this.signal);
    const reference = model ? modelPackageReference(model) : null;
    if (!reference || reference.startsWith('arn:')) return reference;
    const pkg = await this.api.describeModelPackage(reference, this.signal);
    return pkg?.ModelPackageArn ?? reference;
  }
}

/** Insertion-ordered cache of pending lookups that forgets its oldest entry past `limit`; failures are not kept. */
class BoundedCache<V> {
  private readonly entries = new Map<string, Promise<V>>();
  constructor(private readonly limit: number) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached) return cached;
    const pending = load();
    pending.catch(() => this.entries.delete(key));
    this.entries.set(key, pending);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return pending;
  }
}

function attempt(errors: RecordError[], kind: RecordError['kind'], externalId: string | undefined, work: () => void): void {
  try {
    work();
  } catch (error) {
    errors.push({ kind, externalId: externalId ?? '(unknown)', reason: (error as Error).message });
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
