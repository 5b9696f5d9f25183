import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { SyncRunStatus as SyncRunStatusValue } from '../../inventory/queries/records.js';
import { SyncRunStatus } from '../enums.js';
import { DateTime } from '../scalars.js';

@ObjectType({ description: 'One source as IT operations see it: when it last ran, how, and when it runs next.' })
export class SourceOperationalStatus {
  @Field(() => ID, { description: 'Global id of the Source.' })
  id!: string;

  @Field({ description: 'Source name.' })
  name!: string;

  @Field({ description: 'Vendor of the source (sagemaker, mlflow, datarobot, domino).' })
  vendor!: string;

  @Field({ description: 'Whether scheduled syncs run.' })
  enabled!: boolean;

  @Field(() => SyncRunStatus, { nullable: true, description: 'Outcome of the latest finished run; null until one finishes.' })
  lastRunStatus!: SyncRunStatusValue | null;

  @Field(() => DateTime, { nullable: true, description: 'When the latest run finished (or started, if it is still running).' })
  lastRunAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When a run last succeeded.' })
  lastSuccessAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the next scheduled run is due, where the job layer knows it.' })
  nextRunAt!: Date | null;
}

@ObjectType({ description: 'Jobs of one queue by state.' })
export class QueueDepth {
  @Field({ description: 'Queue name (sync-<vendor>, writeback, maintenance).' })
  queue!: string;

  @Field(() => Int, { description: 'Jobs waiting to run.' })
  waiting!: number;

  @Field(() => Int, { description: 'Jobs running now.' })
  active!: number;

  @Field(() => Int, { description: 'Jobs scheduled for later (including retries waiting for their backoff).' })
  delayed!: number;

  @Field(() => Int, { description: 'Jobs that failed for good and are kept for inspection.' })
  failed!: number;
}

@ObjectType({ description: 'Open findings of one kind.' })
export class FindingCount {
  @Field({ description: 'Finding kind.' })
  kind!: string;

  @Field(() => Int, { description: 'How many are open.' })
  count!: number;
}

@ObjectType({ description: 'The one-screen operational summary behind `hub status`.' })
export class SystemStatus {
  @Field(() => [SourceOperationalStatus], { description: 'Every live source, by name.' })
  sources!: SourceOperationalStatus[];

  @Field(() => [QueueDepth], { description: 'Job queues and their depths.' })
  queues!: QueueDepth[];

  @Field(() => [FindingCount], { description: 'Open governance findings by kind.' })
  openFindings!: FindingCount[];

  @Field(() => Int, { description: 'Change requests waiting for approvals.' })
  pendingChangeRequests!: number;

  @Field(() => Int, { description: 'Approved changes not yet delivered to their vendor.' })
  writeBackBacklog!: number;
}
