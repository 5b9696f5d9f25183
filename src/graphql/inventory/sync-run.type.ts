import { Field, Int, ObjectType } from 'type-graphql';
import type { SyncRunStatus as SyncRunStatusValue } from '../../inventory/queries/records.js';
import { SYNC_TRIGGERS_IN_WORDS } from '../../sync/sync-trigger.js';
import { SyncRunStatus } from '../enums.js';
import { Node } from '../relay/node.type.js';
import { DateTime, JSONObject, JSONValue } from '../scalars.js';

@ObjectType('SyncRun', { implements: Node, simpleResolvers: true, description: 'One sync of one source: status, timings, counts and errors as data.' })
export class SyncRun extends Node {
  @Field({ description: `What started the run: ${SYNC_TRIGGERS_IN_WORDS}.` })
  trigger!: string;

  @Field(() => SyncRunStatus, { description: 'Where the run is.' })
  status!: SyncRunStatusValue;

  @Field(() => DateTime, { description: 'When the run started.' })
  startedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the run finished; null while running.' })
  finishedAt!: Date | null;

  @Field(() => Int, { description: 'Records the vendor listed.' })
  seen!: number;

  @Field(() => Int, { description: 'Records created in the inventory.' })
  created!: number;

  @Field(() => Int, { description: 'Records whose content changed.' })
  updated!: number;

  @Field(() => Int, { description: 'Records seen unchanged (nothing written).' })
  unchanged!: number;

  @Field(() => Int, { description: 'Records tombstoned because they vanished from the vendor.' })
  deleted!: number;

  @Field(() => Int, { description: 'Records that could not be normalised or written (see recordErrors).' })
  failed!: number;

  @Field(() => Int, { description: 'Vendor pages fetched.' })
  pages!: number;

  @Field(() => JSONObject, { nullable: true, description: "The deletion guard's decision: { decision, reason, wouldDelete, share }." })
  deletionGuard!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Run-level failure, in words.' })
  error!: string | null;

  @Field(() => JSONValue, { description: 'Record-level errors: [{ kind, externalId, reason }] (capped).' })
  recordErrors!: Array<Record<string, string>>;
}
