import { ArrayMaxSize, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import type {
  DeploymentEnvironment as DeploymentEnvironmentValue,
  LifecycleState as LifecycleStateValue,
  ObservedStage as ObservedStageValue,
  Vendor as VendorId,
} from '../../../connectors/contract.js';
import type { InventoryFilter } from '../../inventory/inventory-read.service.js';
import type { RiskTier as RiskTierValue } from '../../inventory/queries/records.js';
import { DeploymentEnvironment, LifecycleState, ObservedStage, RiskTier, Vendor } from '../enums.js';
import { fromGlobalIds } from '../../global-id.js';
import { DateTime } from '../scalars.js';

const MAX_LIST = 100;

@InputType('TagFilter', { description: 'A tag that must be present (and equal `value` when given).' })
export class TagFilter {
  @Field({ description: 'Tag key.' })
  @MaxLength(200)
  key!: string;

  @Field(() => String, { nullable: true, description: 'Required value; omit to match any value.' })
  @MaxLength(500)
  value?: string | null;
}

@InputType('InventoryFilter', {
  description:
    'Filters for models, versions, deployments and stats. Conditions combine with AND; values within a list with OR. ' +
    'Each entity applies a condition through its relations (a model matches `inProduction` when one of its live versions has a live production deployment).',
})
export class InventoryFilterInput {
  @Field(() => [Vendor], { nullable: true, description: 'Only these platforms.' })
  @ArrayMaxSize(MAX_LIST)
  vendors?: VendorId[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only records of these sources (Source ids).' })
  @ArrayMaxSize(MAX_LIST)
  sourceIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only these models / records of these models (Model ids).' })
  @ArrayMaxSize(MAX_LIST)
  modelIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only these versions / records of these versions (ModelVersion ids).' })
  @ArrayMaxSize(MAX_LIST)
  versionIds?: string[] | null;

  @Field(() => [LifecycleState], { nullable: true, description: 'Governed state of the version (for models: any live version).' })
  lifecycleStates?: LifecycleStateValue[] | null;

  @Field(() => [ObservedStage], { nullable: true, description: 'Vendor stage of the version (for models: any live version).' })
  observedStages?: ObservedStageValue[] | null;

  @Field(() => [RiskTier], { nullable: true, description: "The model's risk tier." })
  riskTiers?: RiskTierValue[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only models without a risk tier; false: only classified ones.' })
  unclassified?: boolean | null;

  @Field(() => [String], { nullable: true, description: "The model's business unit." })
  @ArrayMaxSize(MAX_LIST)
  businessUnits?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Vendor owner or accountable owner of the model (for versions, also the creator).' })
  @ArrayMaxSize(MAX_LIST)
  owners?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Has (true) or has no (false) live deployment.' })
  deployed?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Serves (true) or does not serve (false) production traffic: a live deployment active at the vendor and in the PRODUCTION environment.',
  })
  inProduction?: boolean | null;

  @Field(() => [DeploymentEnvironment], { nullable: true, description: 'Deployments in these environments (models and versions: with a live deployment in one of them).' })
  @ArrayMaxSize(MAX_LIST)
  environments?: DeploymentEnvironmentValue[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Has (true) or has no (false) open finding.' })
  hasOpenFindings?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Include tombstoned records (default false).' })
  includeDeleted?: boolean | null;

  @Field(() => DateTime, { nullable: true, description: 'Changed at or after this time (hub time, `lastChangedAt`).' })
  changedSince?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Changed before this time.' })
  changedBefore?: Date | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive text in name or description (literal: % and _ are not wildcards).' })
  @IsOptional()
  @MaxLength(200)
  search?: string | null;

  @Field(() => [TagFilter], { nullable: true, description: "Every listed tag must match the record's own tags (a model's, a version's or a deployment's)." })
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  tags?: TagFilter[] | null;
}

/** Decodes the filter's global ids; BAD_USER_INPUT when one names the wrong type. */
export function toInventoryFilter(input: InventoryFilterInput | null | undefined): InventoryFilter {
  if (!input) return {};
  return {
    ...input,
    sourceIds: input.sourceIds ? fromGlobalIds(input.sourceIds, 'Source') : null,
    modelIds: input.modelIds ? fromGlobalIds(input.modelIds, 'Model') : null,
    versionIds: input.versionIds ? fromGlobalIds(input.versionIds, 'ModelVersion') : null,
  };
}
