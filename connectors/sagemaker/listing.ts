import type { DescribeModelPackageOutput, ModelPackageGroupSummary, Tag } from '@aws-sdk/client-sagemaker';
import { emptyBatch, type ConnectorLogger, type NormalisedBatch, type RecordError } from '../contract.js';
import type { SageMakerApi } from './client.js';
import { EndpointDetailSource, type EndpointDetailOptions } from './endpoint-details.js';
import { GroupTagSource } from './group-tags.js';
import { normaliseEndpoint, normaliseGroup, normaliseVersion, type SageMakerContext } from './normalise.js';
import { SearchAvailability } from './search-fallback.js';
import { VersionDetailSource, type VersionDetailOptions, type VersionPage } from './version-details.js';

export interface ListingOptions extends SageMakerContext, VersionDetailOptions, EndpointDetailOptions {
  /** Groups whose first requests are started ahead of the one being listed (Search path). */
  groupsAhead: number;
  /** A batch is yielded once it holds this many versions, even mid-page, so one huge group cannot pile up. */
  flushVersions: number;
  logger?: ConnectorLogger;
}

/**
 * The whole SageMaker estate as batches, lazily: model package groups page by page (each batch holds a page's
 * groups and their versions), then endpoints page by page (one batch per page). Group tags, versions, endpoints and
 * the models behind endpoints are read with Search while SageMaker allows it. No request is made for a page of groups
 * or endpoints before the consumer asks for the batch that needs it, at most `groupsAhead` groups' first version
 * pages are held at once, and nothing but a page of group Search records and small bounded caches outlives a page.
 */
export async function* listSageMakerEstate(api: SageMakerApi, options: ListingOptions, signal: AbortSignal): AsyncGenerator<NormalisedBatch> {
  const search = SearchAvailability.forRun(options.logger);
  const versions = new VersionDetailSource(api, options, search);
  const groupTags = new GroupTagSource(api, options.pageSize, search, signal);
  try {
    for await (const groups of api.groupPages(options.pageSize, signal)) {
      const buffer = new BatchBuffer();
      const searchedTags = await groupTags.forPage(groups);
      // With Search a group costs one or two requests: start the next few while the current one is consumed. The
      // Describe fallback already runs `concurrency` requests per group, so it takes groups one at a time.
      const window = () => (search.refused === null ? options.groupsAhead : 1);
      for (const started of startedAhead(groups, window, (group) => startGroup(api, versions, group, searchedTags, signal))) {
        if ('reason' in started) buffer.current.errors.push(started);
        else yield* listGroup(started, buffer, options);
      }
      if (!buffer.empty()) yield buffer.take();
    }
  } finally {
    await groupTags.close();
  }

  const endpoints = new EndpointDetailSource(api, options, { run: search, models: SearchAvailability.forModels(options.logger) }, signal);
  for await (const page of endpoints.pages()) {
    const batch = emptyBatch();
    batch.errors.push(...page.errors);
    for (const endpoint of page.endpoints) {
      attempt(batch.errors, 'deployment', endpoint.endpoint.EndpointArn ?? endpoint.endpoint.EndpointName, () => batch.deployments.push(...normaliseEndpoint(endpoint, options)));
    }
    yield batch;
  }
}

/** A group whose tags and first page of versions are already on their way. */
interface StartedGroup {
  group: ModelPackageGroupSummary;
  id: string;
  arn: string;
  tags: Promise<Tag[] | null>;
  versions: AsyncIterator<VersionPage>;
  firstPage: Promise<IteratorResult<VersionPage>>;
}

/**
 * Starts fetching a group's first version page, and its tags unless Search gave them; a summary without name or ARN
 * is a record error.
 */
function startGroup(api: SageMakerApi, versions: VersionDetailSource, group: ModelPackageGroupSummary, searchedTags: ReadonlyMap<string, Tag[]>, signal: AbortSignal): StartedGroup | RecordError {
  const id = group.ModelPackageGroupArn ?? group.ModelPackageGroupName ?? '(unnamed group)';
  const { ModelPackageGroupArn: arn, ModelPackageGroupName: name } = group;
  if (!arn || !name) return { kind: 'model', externalId: id, reason: 'group summary without ModelPackageGroupName or ModelPackageGroupArn' };
  const searched = searchedTags.get(arn);
  const tags = searched ? Promise.resolve(searched) : api.tags(arn, signal);
  const iterator = versions.pages(group, name, id, signal)[Symbol.asyncIterator]();
  const firstPage = iterator.next();
  // Awaited in turn, possibly after an earlier group failed the run: never an unhandled rejection meanwhile.
  tags.catch(() => {});
  firstPage.catch(() => {});
  return { group, id, arn, tags, versions: iterator, firstPage };
}

/**
 * Adds one group and its versions to the buffer; yields the buffered batch whenever it reaches `flushVersions`.
 * Versions come newest first, so the group (whose owner is read from its
 * latest version) goes out no later than its first version.
 */
async function* listGroup(started: StartedGroup, buffer: BatchBuffer, options: ListingOptions): AsyncGenerator<NormalisedBatch> {
  const { group, id, arn } = started;
  const tags = await started.tags;
  if (tags === null) {
    // ListTags: deleted since the list call.
    void started.versions.return?.().catch(() => {});
    return;
  }
  let modelAdded = false;
  const addModel = (latest: DescribeModelPackageOutput | null) => {
    modelAdded = true;
    const batch = buffer.current;
    attempt(batch.errors, 'model', id, () => batch.models.push(normaliseGroup(group, tags, latest, options)));
  };

  for (let next = await started.firstPage; !next.done; next = await started.versions.next()) {
    const page = next.value;
    if (!modelAdded) addModel(page.packages[0] ?? null);
    const batch = buffer.current;
    batch.errors.push(...page.errors);
    for (const pkg of page.packages) attempt(batch.errors, 'version', pkg.ModelPackageArn, () => batch.versions.push(normaliseVersion(pkg, arn)));
    if (batch.versions.length >= options.flushVersions) yield buffer.take();
  }
  if (!modelAdded) addModel(null);
}

/**
 * `start(item)` for each item in order, keeping up to `window()` items started (the one being consumed included),
 * so the next groups' requests overlap the current one's without holding more than a window of pages.
 */
function* startedAhead<T, R>(items: readonly T[], window: () => number, start: (item: T) => R): Generator<R> {
  const started: R[] = [];
  let next = 0;
  for (let i = 0; i < items.length; i++) {
    const limit = i + Math.max(1, window());
    while (next < items.length && next < limit) started.push(start(items[next++]));
    yield started.shift()!;
  }
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

function attempt(errors: RecordError[], kind: RecordError['kind'], externalId: string | undefined, work: () => void): void {
  try {
    work();
  } catch (error) {
    errors.push({ kind, externalId: externalId ?? '(unknown)', reason: (error as Error).message });
  }
}
