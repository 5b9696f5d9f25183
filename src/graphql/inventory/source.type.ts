import { Directive, Field, Int, ObjectType } from 'type-graphql';
import type { Vendor as VendorId } from '../../../connectors/contract.js';
import type { SyncRunStatus as SyncRunStatusValue } from '../../inventory/queries/records.js';
import { SyncRunStatus, Vendor } from '../enums.js';
import { Node } from '../relay/node.type.js';
import { DateTime, JSONObject } from '../scalars.js';

@Directive('@key(fields: "id")')
@ObjectType('Source', {
  implements: Node,
  simpleResolvers: true,
  description: 'A configured connector instance: one vendor account or server the hub syncs from. Its secret is never readable.',
})
export class Source extends Node {
  @Field(() => Vendor, { description: 'The platform this source reads.' })
  vendor!: VendorId;

  @Field({ description: 'Unique name operators address the source by.' })
  name!: string;

  @Field(() => JSONObject, { description: "Non-secret connection settings, as validated by the vendor's schema." })
  settings!: Record<string, unknown>;

  @Field({ description: 'Whether a secret (credential) is stored for this source. The secret itself is never returned.' })
  hasSecret!: boolean;

  @Field(() => DateTime, { nullable: true, description: 'When the secret was last set or changed.' })
  secretUpdatedAt!: Date | null;

  @Field(() => Int, { description: 'Seconds between scheduled syncs.' })
  scheduleSeconds!: number;

  @Field({ description: 'Whether scheduled syncs run.' })
  enabled!: boolean;

  @Field(() => SyncRunStatus, { nullable: true, description: 'Outcome of the latest finished run; null until one finishes.' })
  lastRunStatus!: SyncRunStatusValue | null;

  @Field(() => DateTime, { nullable: true, description: 'When the latest run started.' })
  lastRunAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the latest successful run finished.' })
  lastSuccessAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the source was deleted (its inventory stays as tombstoned history); null while live.' })
  deletedAt!: Date | null;

  @Field(() => DateTime, { description: 'When the source was created in the hub.' })
  createdAt!: Date;

  @Field(() => DateTime, { description: 'When the source configuration last changed.' })
  updatedAt!: Date;
}
