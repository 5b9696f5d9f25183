import { Directive, Field, ObjectType } from 'type-graphql';
import type { RiskTier as RiskTierValue } from '../../inventory/queries/records.js';
import { RiskTier } from '../enums.js';
import { Node } from '../relay/node.type.js';
import { VendorRecord } from './vendor-record.type.js';
import { JSONObject } from '../scalars.js';

@Directive('@key(fields: "id")')
@ObjectType('Model', {
  implements: Node,
  simpleResolvers: true,
  description:
    'A logical model (SageMaker model package group; MLflow, DataRobot or Domino registered model) with its governance attributes.',
})
export class Model extends VendorRecord {
  @Field({ description: 'Name at the vendor.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Description at the vendor.' })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'Owner as the vendor records it.' })
  owner!: string | null;

  @Field(() => JSONObject, { description: 'Vendor tags as key → value (keys without value map to "").' })
  tags!: Record<string, string>;

  @Field(() => String, { nullable: true, description: "Link to the model in the vendor's UI." })
  deepLink!: string | null;

  @Field(() => RiskTier, { nullable: true, description: 'Risk tier set by governance; null until classified.' })
  riskTier!: RiskTierValue | null;

  @Field(() => String, { nullable: true, description: 'Business unit accountable for the model (governance-owned).' })
  businessUnit!: string | null;

  @Field(() => String, { nullable: true, description: 'Person accountable for the model (governance-owned; may differ from the vendor owner).' })
  accountableOwner!: string | null;

  @Field(() => JSONObject, { description: "The raw vendor record, for BI and audit." })
  vendorAttributes!: Record<string, unknown>;
}
