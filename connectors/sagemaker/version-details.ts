import type { DescribeModelPackageOutput, ModelPackageGroupSummary, SearchRecord } from '@aws-sdk/client-sagemaker';
import type { RecordError } from '../contract.js';
import { SearchRefusedError, type SageMakerApi } from './client.js';
import { mapConcurrently } from '../shared/map-concurrently.js';
import { packageFromSearchRecord } from './normalise.js';
import { CreationTimeFrontier, type SearchAvailability } from './search-fallback.js';
import { searchRecordMatchesDescribe } from './unconfirmed.js';

/** One page of a group's versions, newest first: the packages still there, and the records that were unusable. */
export interface VersionPage {
  packages: DescribeModelPackageOutput[];
  errors: RecordError[];
}

export interface VersionDetailOptions {
  /** MaxResults per Search / ListModelPackages call (1..100). */
  pageSize: number;
  /** DescribeModelPackage calls in flight at once within one page (Describe path only). */
  concurrency: number;
}

/**
 * The details of each group's versions for one run. Search gives a page of up to 100 versions with every
 * DescribeModelPackage field in one request; ListModelPackages + one DescribeModelPackage per version is the
 * fallback. Once SageMaker refuses Search (here or for endpoints, see {@link SearchAvailability}), the run uses the
 * fallback from there on (for the rest of the group it was listing, too), so a run never fails or loses versions
 * for want of Search.
 */
export class VersionDetailSource {
  constructor(
    private readonly api: SageMakerApi,
    private readonly options: VersionDetailOptions,
    private readonly search: SearchAvailability,
  ) {}

  /** The versions of the group named `groupName` (reported as `groupId`), page by page, newest first. */
  async *pages(group: ModelPackageGroupSummary, groupName: string, groupId: string, signal: AbortSignal): AsyncGenerator<VersionPage> {
    const listed = new CreationTimeFrontier('Descending');
    if (this.search.refused === null && searchRecordMatchesDescribe(group)) {
      try {
        for await (const records of this.api.searchVersionPages(groupName, this.options.pageSize, signal)) {
          const page = fromSearch(records, groupName, groupId);
          for (const pkg of page.packages) listed.add(pkg.CreationTime, pkg.ModelPackageArn);
          yield page;
        }
        return;
      } catch (error) {
        if (!(error instanceof SearchRefusedError)) throw error;
        this.search.refuse(error.message, 'versions');
      }
    }
    yield* this.describedPages(groupName, groupId, listed, signal);
  }

  /** ListModelPackages pages, each version described; versions Search already gave are skipped. */
  private async *describedPages(groupName: string, groupId: string, listed: CreationTimeFrontier, signal: AbortSignal): AsyncGenerator<VersionPage> {
    for await (const summaries of this.api.versionPages(groupName, this.options.pageSize, signal)) {
      const pending = summaries.filter((s) => !listed.covers(s.CreationTime, s.ModelPackageArn));
      const described = await mapConcurrently(pending, this.options.concurrency, signal, (s, taskSignal) =>
        s.ModelPackageArn ? this.api.describeModelPackage(s.ModelPackageArn, taskSignal) : Promise.resolve(null),
      );
      const page: VersionPage = { packages: [], errors: [] };
      pending.forEach((summary, i) => {
        if (!summary.ModelPackageArn) {
          page.errors.push({ kind: 'version', externalId: `${groupId}/version ${summary.ModelPackageVersion ?? '?'}`, reason: 'package summary without ModelPackageArn' });
          return;
        }
        const pkg = described[i];
        if (pkg) page.packages.push(pkg); // else deleted since the list call
      });
      yield page;
    }
  }
}

function fromSearch(records: SearchRecord[], groupName: string, groupId: string): VersionPage {
  const page: VersionPage = { packages: [], errors: [] };
  records.forEach((record, i) => {
    const pkg = record.ModelPackage;
    if (!pkg) {
      page.errors.push({ kind: 'version', externalId: `${groupId}/search result ${i + 1}`, reason: 'search result without a ModelPackage' });
      return;
    }
    // The filter's Equals semantics are unconfirmed: a record of another group is that group's to list.
    if (pkg.ModelPackageGroupName !== groupName) return;
    if (!pkg.ModelPackageArn) {
      page.errors.push({ kind: 'version', externalId: `${groupId}/version ${pkg.ModelPackageVersion ?? '?'}`, reason: 'search record without ModelPackageArn' });
      return;
    }
    page.packages.push(packageFromSearchRecord(pkg));
  });
  return page;
}
