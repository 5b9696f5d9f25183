import type { ConnectorLogger } from '../contract.js';

/** What a Search was reading when SageMaker refused it (logged with the warning). */
export type SearchListing = 'groups' | 'versions' | 'endpoints' | 'models';

const RUN_FALLBACK =
  'SageMaker refused Search: the rest of this run lists with List + Describe calls (ListTags per group; one DescribeModelPackage per version; DescribeEndpoint and ListTags per endpoint; DescribeModel per model behind an endpoint)';
const MODEL_FALLBACK = 'SageMaker refused Search on Model: the rest of this run describes each model behind an endpoint config with DescribeModel (groups, versions and endpoints keep Search)';

/**
 * Whether Search may still be used in this run, and the one warning when it may not. {@link forRun} is shared by the
 * group, version and endpoint Searches: a role without `sagemaker:Search`, or a service that does not offer it,
 * refuses all of them, so once one is refused the run stops asking (no doomed request per group) and says why once.
 * {@link forModels} covers the model Search alone: its refusal most likely means its guessed filter property is wrong
 * (unconfirmed.ts), which says nothing about the other Searches. A refusal of the run's Searches stops the model
 * Search too (see ModelPackageLinks), since it usually means no Search at all.
 */
export class SearchAvailability {
  private refusal: string | null = null;

  private constructor(
    private readonly logger: ConnectorLogger | undefined,
    private readonly warning: string,
  ) {}

  static forRun(logger: ConnectorLogger | undefined): SearchAvailability {
    return new SearchAvailability(logger, RUN_FALLBACK);
  }

  static forModels(logger: ConnectorLogger | undefined): SearchAvailability {
    return new SearchAvailability(logger, MODEL_FALLBACK);
  }

  /** Why this run stopped using this Search, or null while it still does. */
  get refused(): string | null {
    return this.refusal;
  }

  refuse(reason: string, listing: SearchListing): void {
    if (this.refusal !== null) return;
    this.refusal = reason;
    this.logger?.warn({ vendor: 'sagemaker', reason, listing }, this.warning);
  }
}

/**
 * How far a Search sorted by CreationTime got before a refusal, so the List fallback (sorted the same way) neither
 * repeats nor misses a record. Every record earlier in the order than the last one Search gave was on a Search page;
 * of those created at that same instant, only the ones Search gave are remembered. `order` is the listings' order:
 * versions are read newest first, endpoints oldest first. A record without CreationTime (required in both Describe
 * shapes) is not remembered and could be listed twice.
 */
export class CreationTimeFrontier {
  private edge: number | null = null;
  private atEdge = new Set<string>();

  constructor(private readonly order: 'Ascending' | 'Descending') {}

  add(creationTime: Date | undefined, key: string | undefined): void {
    const time = creationTime?.getTime();
    if (time === undefined || Number.isNaN(time) || !key) return;
    if (this.edge === null || this.after(time, this.edge)) {
      this.edge = time;
      this.atEdge = new Set([key]);
    } else if (time === this.edge) {
      this.atEdge.add(key);
    }
  }

  covers(creationTime: Date | undefined, key: string | undefined): boolean {
    const time = creationTime?.getTime();
    if (this.edge === null || time === undefined) return false;
    return this.after(this.edge, time) || (time === this.edge && this.atEdge.has(key ?? ''));
  }

  /** `a` comes after `b` in the listing order. */
  private after(a: number, b: number): boolean {
    return this.order === 'Ascending' ? a > b : a < b;
  }
}
