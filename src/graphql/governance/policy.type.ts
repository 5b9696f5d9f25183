import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import type { LifecycleState as LifecycleStateValue } from '../../../connectors/contract.js';
import type { RiskTier as RiskTierValue } from '../../governance/policies.js';
import { Role } from '../access/role.enum.js';
import { LifecycleState, RiskTier } from '../enums.js';
import { DateTime } from '../scalars.js';

@ObjectType('PolicyRequirement', { simpleResolvers: true, description: 'How many approvers of one role a policy asks for.' })
export class PolicyRequirement {
  @Field(() => Role, { description: 'The role each of these approvers must hold (ADMIN may fill any slot).' })
  role!: RoleName;

  @Field(() => Int, { description: 'How many distinct people of that role must approve.' })
  count!: number;
}

@ObjectType('Policy', { simpleResolvers: true, description: 'Which approvals a move into a lifecycle state needs, for one risk tier (or every tier).' })
export class Policy {
  @Field(() => ID, { description: 'The policy row id.' })
  id!: string;

  @Field(() => LifecycleState, { description: 'The state a version moves into.' })
  toState!: LifecycleStateValue;

  @Field(() => RiskTier, { nullable: true, description: "The model risk tier it governs; null: every tier without its own policy (and unclassified models, except for APPROVED and PRODUCTION)." })
  riskTier!: RiskTierValue | null;

  @Field(() => [PolicyRequirement], { description: 'The approvals required, all of them.' })
  requirements!: PolicyRequirement[];

  @Field(() => Int, { description: 'Incremented on every edit; change requests record the revision they were opened under.' })
  revision!: number;

  @Field({ description: 'Who last changed it.' })
  updatedBy!: string;

  @Field(() => DateTime, { description: 'When it last changed.' })
  updatedAt!: Date;
}

@ObjectType('PolicySnapshot', { simpleResolvers: true, description: 'The policy as it stood when a change request was opened; later edits do not change it.' })
export class PolicySnapshot {
  @Field(() => ID, { description: 'The policy row it was copied from.' })
  policyId!: string;

  @Field(() => Int, { description: 'The revision of that policy at the time.' })
  revision!: number;

  @Field(() => RiskTier, { nullable: true, description: 'The tier of the policy applied (null: the every-tier policy).' })
  riskTier!: RiskTierValue | null;

  @Field(() => RiskTier, { nullable: true, description: "The model's risk tier when the request was opened (null: unclassified)." })
  modelRiskTier!: RiskTierValue | null;

  @Field(() => [PolicyRequirement], { description: 'The approvals the request needs.' })
  requirements!: PolicyRequirement[];
}
