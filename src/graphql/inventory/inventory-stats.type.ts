import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { LifecycleState as LifecycleStateValue, ObservedStage as ObservedStageValue, Vendor as VendorId } from '../../../connectors/contract.js';
import type { RiskTier as RiskTierValue } from '../../inventory/queries/records.js';
import { LifecycleState, ObservedStage, RiskTier, Vendor } from '../enums.js';

@ObjectType('InventoryStatsGroup', {
  simpleResolvers: true,
  description: 'Counts of model versions sharing the values of the requested dimensions (dimensions not grouped by are null).',
})
export class InventoryStatsGroup {
  @Field(() => Vendor, { nullable: true, description: 'Group value for VENDOR.' })
  vendor?: VendorId | null;

  @Field(() => ID, { nullable: true, description: 'Group value for SOURCE: the source global id.' })
  sourceId?: string | null;

  @Field(() => LifecycleState, { nullable: true, description: 'Group value for LIFECYCLE_STATE.' })
  lifecycleState?: LifecycleStateValue | null;

  @Field(() => ObservedStage, { nullable: true, description: 'Group value for OBSERVED_STAGE.' })
  observedStage?: ObservedStageValue | null;

  @Field(() => RiskTier, { nullable: true, description: 'Group value for RISK_TIER (null also means unclassified when grouped).' })
  riskTier?: RiskTierValue | null;

  @Field(() => String, { nullable: true, description: 'Group value for BUSINESS_UNIT.' })
  businessUnit?: string | null;

  @Field(() => String, { nullable: true, description: 'Group value for FINDING_KIND (null: no open finding).' })
  findingKind?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Group value for IN_PRODUCTION.' })
  inProduction?: boolean | null;

  @Field(() => Int, { description: 'Model versions in the group.' })
  versionCount!: number;

  @Field(() => Int, { description: 'Distinct models those versions belong to.' })
  modelCount!: number;
}
