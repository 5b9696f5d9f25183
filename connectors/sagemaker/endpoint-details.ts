import type { DescribeEndpointConfigOutput, DescribeEndpointOutput, Endpoint, EndpointSummary, SearchRecord } from '@aws-sdk/client-sagemaker';
import type { RecordError } from '../contract.js';
import { SearchRefusedError, type SageMakerApi } from './client.js';
import { mapConcurrently } from '../shared/map-concurrently.js';
import { modelPackageReference, type ResolvedEndpoint } from './normalise.js';
import { CreationTimeFrontier, type SearchAvailability } from './search-fallback.js';
import { searchRecordTags } from './unconfirmed.js';

/** One page of endpoints, oldest first: those still there, resolved, and the records that were unusable. */
export interface EndpointPage {
  endpoints: ResolvedEndpoint[];
  errors: RecordError[];
}

export interface EndpointDetailOptions {
  /** MaxResults per Search / ListEndpoints call (1..100). */
  pageSize: number;
  /** Endpoints of one page resolved at once (their DescribeEndpointConfig / DescribeModel, and Describe path calls). */
  concurrency: number;
  /** Entries kept in each per-run lookup cache (endpoint configs, models). */
  cacheEntries: number;
}

/**
 * The endpoints of one run, page by page, each with its config, the packages its variants run and its tags. Search
 * gives a page of up to 100 endpoints with their tags in one request; ListEndpoints + DescribeEndpoint + ListTags
 * per endpoint is the fallback, taken when the run has seen Search refused (for versions or here). A refusal midway
 * is finished by ListEndpoints, skipping the endpoints Search already gave. Either way a config or model is
 * described once per run while it stays in a bounded cache, and a page is requested only when the previous one
 * has been handed over.
 */
export class EndpointDetailSource {
  private readonly resolver: EndpointResolver;

  constructor(
    private readonly api: SageMakerApi,
    private readonly options: EndpointDetailOptions,
    private readonly search: SearchAvailability,
    private readonly signal: AbortSignal,
  ) {
    this.resolver = new EndpointResolver(api, options.cacheEntries, signal);
  }

  async *pages(): AsyncGenerator<EndpointPage> {
    const listed = new CreationTimeFrontier('Ascending');
    if (this.search.refused === null) {
      try {
        for await (const records of this.api.searchEndpointPages(this.options.pageSize, this.signal)) {
          for (const record of records) listed.add(record.Endpoint?.CreationTime, record.Endpoint?.EndpointArn);
          yield await this.fromSearch(records);
        }
        return;
      } catch (error) {
        if (!(error instanceof SearchRefusedError)) throw error;
        this.search.refuse(error.message, 'endpoints');
      }
    }
    yield* this.describedPages(listed);
  }

  private async fromSearch(records: SearchRecord[]): Promise<EndpointPage> {
    const page: EndpointPage = { endpoints: [], errors: [] };
    const endpoints: Endpoint[] = [];
    records.forEach((record, i) => {
      if (record.Endpoint) endpoints.push(record.Endpoint);
      else page.errors.push({ kind: 'deployment', externalId: `endpoint search result ${i + 1}`, reason: 'search result without an Endpoint' });
    });
    const resolved = await mapConcurrently(endpoints, this.options.concurrency, this.signal, (endpoint) => this.resolver.fromSearchRecord(endpoint));
    for (const endpoint of resolved) if (endpoint) page.endpoints.push(endpoint); // else deleted since Search's index saw it
    return page;
  }

  /** ListEndpoints pages, each endpoint described and its tags listed; endpoints Search already gave are skipped. */
  private async *describedPages(listed: CreationTimeFrontier): AsyncGenerator<EndpointPage> {
    for await (const summaries of this.api.endpointPages(this.options.pageSize, this.signal)) {
      const pending = summaries.filter((s) => !listed.covers(s.CreationTime, s.EndpointArn));
      const resolved = await mapConcurrently(pending, this.options.concurrency, this.signal, (summary) => this.resolver.fromSummary(summary));
      yield { endpoints: resolved.filter((e): e is ResolvedEndpoint => e !== null), errors: [] }; // null: deleted since the list call
    }
  }
}

/** Endpoint → config → models → package ARNs, with per-run caches (many endpoints share configs and models). */
class EndpointResolver {
  private readonly configs: BoundedCache<DescribeEndpointConfigOutput | null>;
  private readonly packages: BoundedCache<string | null>;

  constructor(private readonly api: SageMakerApi, cacheEntries: number, private readonly signal: AbortSignal) {
    this.configs = new BoundedCache(cacheEntries);
    this.packages = new BoundedCache(cacheEntries);
  }

  /** DescribeEndpoint + ListTags; null when the endpoint vanished since ListEndpoints. */
  async fromSummary(summary: EndpointSummary): Promise<ResolvedEndpoint | null> {
    if (!summary.EndpointName) return null;
    const endpoint = await this.api.describeEndpoint(summary.EndpointName, this.signal);
    if (!endpoint?.EndpointArn) return null;
    const links = await this.links(endpoint);
    const tags = await this.api.tags(endpoint.EndpointArn, this.signal);
    return tags === null ? null : { endpoint, ...links, tags };
  }

  /** A Search record carries its tags; ListTags only for a record without them (unconfirmed.ts). */
  async fromSearchRecord(endpoint: Endpoint): Promise<ResolvedEndpoint | null> {
    const links = await this.links(endpoint);
    const tags = searchRecordTags(endpoint) ?? (endpoint.EndpointArn ? await this.api.tags(endpoint.EndpointArn, this.signal) : []);
    return tags === null ? null : { endpoint, ...links, tags };
  }

  private async links(endpoint: DescribeEndpointOutput | Endpoint): Promise<Pick<ResolvedEndpoint, 'config' | 'packageByModel'>> {
    const configName = endpoint.EndpointConfigName;
    const config = configName ? await this.configs.get(configName, () => this.api.describeEndpointConfig(configName, this.signal)) : null;
    const packageByModel = new Map<string, string | null>();
    for (const variant of config?.ProductionVariants ?? []) {
      const modelName = variant.ModelName;
      if (modelName && !packageByModel.has(modelName)) packageByModel.set(modelName, await this.packages.get(modelName, () => this.packageOf(modelName)));
    }
    return { config, packageByModel };
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
