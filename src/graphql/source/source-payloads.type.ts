import { Field, Int, ObjectType } from 'type-graphql';
import type { SourceRecord, SyncRunRecord } from '../../inventory/queries/records.js';
import { Source } from '../inventory/source.type.js';
import { SyncRun } from '../inventory/sync-run.type.js';
import { JSONObject } from '../scalars.js';

@ObjectType({ description: 'The result of updateSource.' })
export class UpdateSourcePayload {
  @Field(() => Source, { description: 'The source as it is after the change.' })
  source!: SourceRecord;

  @Field(() => [String], { description: 'Fields that changed (`secret` when the secret did); empty when nothing changed.' })
  changedFields!: string[];
}

@ObjectType({ description: 'The result of deleteSource: the source is gone from listings and schedules; its inventory stays as tombstoned history.' })
export class DeleteSourcePayload {
  @Field(() => Source, { description: 'The deleted source (kept as history, with deletedAt set).' })
  source!: SourceRecord;

  @Field(() => Int, { description: 'Inventory records (models, versions, deployments) tombstoned.' })
  tombstoned!: number;
}

@ObjectType({ description: "The verdict of testSourceConnection: the connector's own reachability and credential check." })
export class ConnectionCheck {
  @Field({ description: 'True when the vendor answered and accepted the credentials.' })
  ok!: boolean;

  @Field({ description: 'What happened, in words an operator can act on.' })
  message!: string;

  @Field(() => JSONObject, { description: 'Facts worth showing (vendor version, account, region). Never secrets.' })
  details!: Record<string, string>;
}

@ObjectType({ description: 'The result of triggerSync.' })
export class TriggerSyncPayload {
  @Field(() => SyncRun, { description: 'The queued run, or the run already in progress.' })
  run!: SyncRunRecord;

  @Field({ description: 'True when a run was already queued or running and no new one was started.' })
  alreadyRunning!: boolean;
}
