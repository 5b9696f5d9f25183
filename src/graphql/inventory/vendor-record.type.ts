import { Field, ObjectType } from 'type-graphql';
import type { Vendor as VendorId } from '../../../connectors/contract.js';
import { Vendor } from '../enums.js';
import { Node } from '../relay/node.type.js';
import { DateTime } from '../scalars.js';

/** Fields every vendor-sourced record carries (not a GraphQL interface: just shared declarations). */
@ObjectType('VendorRecord', { simpleResolvers: true, description: 'Shared fields of vendor-sourced records (not exposed: no field returns it).' })
export abstract class VendorRecord extends Node {
  @Field(() => Vendor, { description: 'The platform the record comes from.' })
  vendor!: VendorId;

  @Field({ description: "The vendor's own id for the record (ARN, registered model name, deployment id …); unique within its source." })
  externalId!: string;

  @Field(() => DateTime, { nullable: true, description: 'Creation time the vendor reports.' })
  vendorCreatedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Last modification time the vendor reports.' })
  vendorUpdatedAt!: Date | null;

  @Field(() => DateTime, { description: 'When the hub first saw the record.' })
  firstSeenAt!: Date;

  @Field(() => DateTime, { description: 'When a sync last saw a change to the record (hub time).' })
  lastChangedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the record vanished from the vendor (tombstone); null while it exists.' })
  deletedAt!: Date | null;

}
