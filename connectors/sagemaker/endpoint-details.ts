import type { DescribeEndpointConfigOutput, DescribeEndpointOutput, Endpoint, EndpointSummary, SearchRecord, Tag } from '@aws-sdk/client-sagemaker';
import type { RecordError } from '../contract.js';
import { mapConcurrently } from '../shared/map-concurrently.js';
import { BoundedCache } from './bounded-cache.js';
import { SearchRefusedError, type SageMakerApi } from './client.js';
import { ModelPackageLinks, type ModelSearchStates } from './model-package-links.js';
import type { ResolvedEndpoint } from './normalise.js';
import { CreationTimeFrontier } from './search-fallback.js';
import { searchRecordTags } from './unconfirmed.js';

/** One page of endpoints, oldest first: those still there, resolved, and the records that were unusable. */
export interface EndpointPage {
  endpoints: ResolvedEndpoint[];
  errors: RecordError[];
}

export interface EndpointDetailOptions {
  /** MaxResults per Search / ListEndpoints call (1..100). */
  pageSize: number;
  /** Calls in flight at once for one page (DescribeEndpointConfig, model lookups, and the Describe path's calls). */
  concurrency: number;
  /** Entries kept in each per-run lookup cache (endpoint configs, models). */
  cacheEntries: number;
}

/**
 * The endpoints of one run, page by page, each with its config, the packages its variants run and its tags. Search
 * gives a page of up to 100 endpoints with their tags in one request; ListEndpoints + DescribeEndpoint + ListTags
 * per endpoint is the fallback, taken when the run has seen Search refused (for groups, versions or here). A refusal midway
 * is finished by ListEndpoints, skipping the endpoints Search already gave. Either way each endpoint's config is
 * described (once per run while it stays in a bounded cache), and the packages behind all the models a page's configs
 * name are looked up together ({@link ModelPackageLinks}). A page is requested only when the previous one has been
 * handed over.
 */
export class EndpointDetailSource {
  private readonly configs: BoundedCache<DescribeEndpointConfigOutput | null>;
  private readonly packages: ModelPackageLinks;

  constructor(
    private readonly api: SageMakerApi,
    private readonly options: EndpointDetailOptions,
    private readonly search: ModelSearchStates,
    private readonly signal: AbortSignal,
  ) {
    this.configs = new BoundedCache(options.cacheEntries);
    this.packages = new ModelPackageLinks(api, options, search, signal);
  }

  async *pages(): AsyncGenerator<EndpointPage> {
    const listed = new CreationTimeFrontier('Ascending');
    if (this.search.run.refused === null) {
      try {
        for await (const records of this.api.searchEndpointPages(this.options.pageSize, this.signal)) {
          for (const record of records) listed.add(record.Endpoint?.CreationTime, record.Endpoint?.EndpointArn);
          yield await this.fromSearch(records);
        }
        return;
      } catch (error) {
        if (!(error instanceof SearchRefusedError)) throw error;
        this.search.run.refuse(error.message, 'endpoints');
      }
    }
    yield* this.describedPages(listed);
  }

  private async fromSearch(records: SearchRecord[]): Promise<EndpointPage> {
    const errors: RecordError[] = [];
    const endpoints: Endpoint[] = [];
    records.forEach((record, i) => {
      if (record.Endpoint) endpoints.push(record.Endpoint);
      else errors.push({ kind: 'deployment', externalId: `endpoint search result ${i + 1}`, reason: 'search result without an Endpoint' });
    });
    // A record carries its tags; ListTags only for a record without them (unconfirmed.ts). null: deleted since.
    const tagged = await mapConcurrently(endpoints, this.options.concurrency, this.signal, async (endpoint, signal) => {
      const tags = searchRecordTags(endpoint) ?? (endpoint.EndpointArn ? await this.api.tags(endpoint.EndpointArn, signal) : []);
      return tags === null ? null : { endpoint, tags };
    });
    return { endpoints: await this.linked(tagged), errors };
  }

  /** ListEndpoints pages, each endpoint described and its tags listed; endpoints Search already gave are skipped. */
  private async *describedPages(listed: CreationTimeFrontier): AsyncGenerator<EndpointPage> {
    for await (const summaries of this.api.endpointPages(this.options.pageSize, this.signal)) {
      const pending = summaries.filter((s) => !listed.covers(s.CreationTime, s.EndpointArn));
      const described = await mapConcurrently(pending, this.options.concurrency, this.signal, (summary, signal) => this.described(summary, signal));
      yield { endpoints: await this.linked(described), errors: [] };
    }
  }

  /** DescribeEndpoint + ListTags; null when the endpoint vanished since ListEndpoints. */
  private async described(summary: EndpointSummary, signal: AbortSignal): Promise<TaggedEndpoint | null> {
    if (!summary.EndpointName) return null;
    const endpoint = await this.api.describeEndpoint(summary.EndpointName, signal);
    if (!endpoint?.EndpointArn) return null;
    const tags = await this.api.tags(endpoint.EndpointArn, signal);
    return tags === null ? null : { endpoint, tags };
  }

  /**
   * The endpoints still there (null: vanished) with their configs and the package behind each variant's model. The
   * models of the whole page are looked up at once, so a page costs a few model Searches, not a DescribeModel each.
   */
  private async linked(endpoints: ReadonlyArray<TaggedEndpoint | null>): Promise<ResolvedEndpoint[]> {
    const present = endpoints.filter((e): e is TaggedEndpoint => e !== null);
    const configs = await mapConcurrently(present, this.options.concurrency, this.signal, ({ endpoint }) => {
      const name = endpoint.EndpointConfigName;
      return name ? this.configs.get(name, () => this.api.describeEndpointConfig(name, this.signal)) : Promise.resolve(null);
    });
    const packages = await this.packages.packagesOf(configs.flatMap(variantModelNames));
    return present.map(({ endpoint, tags }, i) => {
      const config = configs[i];
      const packageByModel = new Map(variantModelNames(config).map((name) => [name, packages.get(name) ?? null] as const));
      return { endpoint, config, packageByModel, tags };
    });
  }
}

/** An endpoint as DescribeEndpoint or Search gave it, with its tags. */
interface TaggedEndpoint {
  endpoint: DescribeEndpointOutput | Endpoint;
  tags: Tag[];
}

/** The models a config's production variants run (shadow variants are not listed, see normaliseEndpoint). */
function variantModelNames(config: DescribeEndpointConfigOutput | null): string[] {
  return (config?.ProductionVariants ?? []).flatMap((variant) => (variant.ModelName ? [variant.ModelName] : []));
}
