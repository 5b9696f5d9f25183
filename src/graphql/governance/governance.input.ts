import { Field, ID, InputType, Int } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import type { LifecycleState as LifecycleStateValue } from '../../../connectors/contract.js';
import type { ChangeRequestStatus as StatusValue } from '../../governance/change-request.js';
import type { RiskTier as RiskTierValue } from '../../governance/policies.js';
import { Role } from '../access/role.enum.js';
import { LifecycleState, RiskTier, Vendor } from '../enums.js';
import { DateTime } from '../scalars.js';
import type { ControlKind as ControlKindValue } from '../../governance/controls.js';
import { ChangeRequestStatus, ControlKind } from './governance.enums.js';

@InputType('EvidenceInput', { description: 'A link supporting a change request.' })
export class EvidenceInput {
  @Field({ description: 'What the link shows.' })
  title!: string;

  @Field({ description: 'An http(s) URL.' })
  url!: string;
}

@InputType('RequestLifecycleTransitionInput', { description: 'Asks for a model version to move to another governed state.' })
export class RequestLifecycleTransitionInput {
  @Field(() => ID, { description: 'The ModelVersion to move.' })
  modelVersionId!: string;

  @Field(() => LifecycleState, { description: 'The state asked for.' })
  toState!: LifecycleStateValue;

  @Field({ description: 'Why the change is needed (at most 4000 characters).' })
  justification!: string;

  @Field(() => [EvidenceInput], { defaultValue: [], description: 'Supporting links (at most 20; titles up to 200 characters, URLs up to 2048).' })
  evidence!: EvidenceInput[];

  @Field(() => ID, { nullable: true, description: 'PRODUCTION only: the current PRODUCTION version of the same model, retired in the same change.' })
  replacesVersionId?: string | null;
}

@InputType('SetModelGovernanceInput', {
  description:
    'Governance attributes of a model. Omitted fields stay as they are; null clears one. Only what tightens applies here (business unit, raised or first tier, first owner); lowering or clearing a tier and moving or clearing an owner answer FOUR_EYES_REQUIRED: use requestRiskTierChange / requestOwnerChange.',
})
export class SetModelGovernanceInput {
  @Field(() => RiskTier, { nullable: true, description: 'Risk classification; APPROVED and PRODUCTION need one.' })
  riskTier?: RiskTierValue | null;

  @Field(() => String, { nullable: true, description: 'The business unit accountable for the model.' })
  businessUnit?: string | null;

  @Field(() => String, { nullable: true, description: 'The person accountable for the model (name or email); cannot be its VALIDATOR.' })
  accountableOwner?: string | null;
}

@InputType('PolicyRequirementInput', { description: 'How many approvers of one role.' })
export class PolicyRequirementInput {
  @Field(() => Role, { description: 'VALIDATOR or RISK_OFFICER: only approver roles approve (ADMIN and OPERATOR are refused).' })
  role!: RoleName;

  @Field(() => Int, { description: '1 to 5.' })
  count!: number;
}

@InputType('UpdatePolicyInput', { description: 'Creates or replaces the policy of one target state and risk tier.' })
export class UpdatePolicyInput {
  @Field(() => LifecycleState, { description: 'The state a version moves into.' })
  toState!: LifecycleStateValue;

  @Field(() => RiskTier, { nullable: true, description: 'The tier it governs; null: every tier without its own policy.' })
  riskTier?: RiskTierValue | null;

  @Field(() => [PolicyRequirementInput], { description: 'Every approval required (at least one).' })
  requirements!: PolicyRequirementInput[];
}

@InputType('ChangeRequestFilter', { description: 'Narrows `changeRequests`; every field given must match.' })
export class ChangeRequestFilterInput {
  @Field(() => [ChangeRequestStatus], { nullable: true, description: 'Any of these statuses.' })
  status?: StatusValue[] | null;

  @Field(() => String, { nullable: true, description: 'Opened by this principal id (one key or sign-in).' })
  requesterId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Opened by this Person, through any of their keys or sign-ins.' })
  requesterPersonId?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only PENDING requests with an open slot I could fill (not mine, not already decided by me); false: every other request.',
  })
  eligibleForMe?: boolean | null;

  @Field(() => ID, { nullable: true, description: 'Versions of this Model.' })
  modelId?: string | null;

  @Field(() => ID, { nullable: true, description: 'This ModelVersion.' })
  modelVersionId?: string | null;

  @Field(() => Vendor, { nullable: true, description: 'Versions on this platform.' })
  vendor?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'Opened at or after.' })
  createdAfter?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Opened before (older requests).' })
  createdBefore?: Date | null;
}

@InputType('AuditEventFilter', { description: 'Narrows `auditEvents`; every field given must match.' })
export class AuditEventFilterInput {
  @Field(() => String, { nullable: true, description: 'change_request, model, model_version, policy, finding, source, api_key, …' })
  entityKind?: string | null;

  @Field(() => String, { nullable: true, description: 'The entity’s id: its global id, as the API returns it, or its database id.' })
  entityId?: string | null;

  @Field(() => String, { nullable: true, description: 'Who acted (principal id).' })
  actorId?: string | null;

  @Field(() => [String], { nullable: true, description: 'Exact actions, or prefixes ending with a dot (`change_request.`).' })
  actions?: string[] | null;

  @Field(() => DateTime, { nullable: true, description: 'At or after this time.' })
  since?: Date | null;
}

@InputType('RequestPolicyChangeInput', { description: 'Asks for an approval policy change that a RISK_OFFICER other than you approves.' })
export class RequestPolicyChangeInput {
  @Field(() => LifecycleState, { description: 'The state a version moves into.' })
  toState!: LifecycleStateValue;

  @Field(() => RiskTier, { nullable: true, description: 'The tier it governs; null: every tier without its own policy.' })
  riskTier?: RiskTierValue | null;

  @Field(() => [PolicyRequirementInput], { description: 'Every approval required (at least one; VALIDATOR or RISK_OFFICER).' })
  requirements!: PolicyRequirementInput[];

  @Field({ description: 'Why the policy should change (at most 4000 characters).' })
  justification!: string;
}

@InputType('ControlRequestFilter', { description: 'Narrows `controlRequests`; every field given must match.' })
export class ControlRequestFilterInput {
  @Field(() => [ChangeRequestStatus], { nullable: true, description: 'Any of these statuses.' })
  status?: StatusValue[] | null;

  @Field(() => [ControlKind], { nullable: true, description: 'Any of these kinds.' })
  kind?: ControlKindValue[] | null;

  @Field(() => ID, { nullable: true, description: 'Tier and owner changes of this Model.' })
  modelId?: string | null;
}
