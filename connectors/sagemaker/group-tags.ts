import type { ModelPackageGroup, ModelPackageGroupSummary, SearchRecord, Tag } from '@aws-sdk/client-sagemaker';
import { SearchRefusedError, type SageMakerApi } from './client.js';
import type { SearchAvailability } from './search-fallback.js';
import { searchRecordTags } from './unconfirmed.js';

/**
 * The tags of the listed model package groups, read from `Search` (Resource `ModelPackageGroup`) pages beside the
 * ListModelPackageGroups pages: one request per ≤100 groups instead of one ListTags per group. Both are read oldest
 * first, so the Search pages keep pace with the listing and no more than about a page of records is held.
 * ListModelPackageGroups stays the listing (why: unconfirmed.ts, GROUP_SEARCH); a group the Search has not given
 * (index lag, a record without Tags, Search refused) is left to the caller's ListTags, and a record of a group the
 * listing no longer has is dropped. A refusal is recorded in the run's {@link SearchAvailability}.
 */
export class GroupTagSource {
  private pages: AsyncIterator<SearchRecord[]> | null = null;
  private exhausted = false;
  /** CreationTime (epoch ms) of the newest record read so far. */
  private readThrough = Number.NEGATIVE_INFINITY;
  /** Tags of records read and not yet claimed by a listed group, by group ARN. */
  private readonly unclaimed = new Map<string, { created: number; tags: Tag[] }>();

  constructor(
    private readonly api: SageMakerApi,
    private readonly pageSize: number,
    private readonly search: SearchAvailability,
    private readonly signal: AbortSignal,
  ) {}

  /** The Search tags of the groups of one listing page that Search gave, by group ARN; the others need ListTags. */
  async forPage(groups: readonly ModelPackageGroupSummary[]): Promise<Map<string, Tag[]>> {
    const newest = Math.max(...groups.map((g) => creationMs(g.CreationTime)).filter(Number.isFinite));
    await this.readUntil(newest);
    const found = new Map<string, Tag[]>();
    for (const { ModelPackageGroupArn: arn } of groups) {
      const record = arn ? this.unclaimed.get(arn) : undefined;
      if (!arn || !record) continue;
      found.set(arn, record.tags);
      this.unclaimed.delete(arn);
    }
    // A group created before this page's newest one is on this page or an earlier one: a record still unclaimed is
    // of a group the listing no longer has. Ties with the newest may be on the next listing page, so they stay.
    for (const [arn, record] of this.unclaimed) if (record.created < newest) this.unclaimed.delete(arn);
    return found;
  }

  /** Stops the Search pages early (the listing was abandoned). */
  async close(): Promise<void> {
    await this.pages?.return?.();
  }

  /** Reads Search pages until one holds a group created at `time` or later, Search runs out, or is refused. */
  private async readUntil(time: number): Promise<void> {
    while (!this.exhausted && this.search.refused === null && this.readThrough < time) {
      this.pages ??= this.api.searchGroupPages(this.pageSize, this.signal)[Symbol.asyncIterator]();
      let next: IteratorResult<SearchRecord[]>;
      try {
        next = await this.pages.next();
      } catch (error) {
        if (!(error instanceof SearchRefusedError)) throw error;
        this.search.refuse(error.message, 'groups');
        return;
      }
      if (next.done) {
        this.exhausted = true;
        return;
      }
      for (const record of next.value) this.take(record.ModelPackageGroup);
    }
  }

  private take(group: ModelPackageGroup | undefined): void {
    const created = creationMs(group?.CreationTime);
    if (!group || Number.isNaN(created)) return;
    this.readThrough = Math.max(this.readThrough, created);
    const tags = searchRecordTags(group);
    if (group.ModelPackageGroupArn && tags !== null) this.unclaimed.set(group.ModelPackageGroupArn, { created, tags });
  }
}

/** CreationTime in epoch ms; NaN when absent (such a group's tags come from ListTags). */
function creationMs(time: Date | undefined): number {
  return time instanceof Date ? time.getTime() : Number.NaN;
}
