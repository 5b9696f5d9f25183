import type { ConnectorLogger } from '../contract.js';

/**
 * Whether this run still reads with `SageMaker.Search`. Versions and endpoints share it: a role without
 * `sagemaker:Search`, or a service that does not offer it, refuses it for both, so once either Search is refused
 * the run stops asking (no doomed request per group) and says why once.
 */
export class SearchAvailability {
  private refusal: string | null = null;

  constructor(private readonly logger: ConnectorLogger | undefined) {}

  /** Why this run stopped using Search, or null while it still does. */
  get refused(): string | null {
    return this.refusal;
  }

  refuse(reason: string, listing: 'versions' | 'endpoints'): void {
    if (this.refusal !== null) return;
    this.refusal = reason;
    this.logger?.warn(
      { vendor: 'sagemaker', reason, listing },
      'SageMaker refused Search: the rest of this run lists with List + Describe calls (one DescribeModelPackage per version; DescribeEndpoint and ListTags per endpoint)',
    );
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
