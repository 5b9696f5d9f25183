import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import type { LifecycleState as LifecycleStateValue } from '../../../connectors/contract.js';
import type { ChangeRequestStatus as StatusValue } from '../../governance/change-request.js';
import { Role } from '../access/role.enum.js';
import { LifecycleState } from '../enums.js';
import { Node } from '../relay/node.type.js';
import { DateTime } from '../scalars.js';
import { ChangeRequestStatus, Decision } from './governance.enums.js';

@ObjectType('Evidence', { simpleResolvers: true, description: 'A link supporting a change request (validation report, ticket, dashboard).' })
export class Evidence {
  @Field({ description: 'What the link shows.' })
  title!: string;

  @Field({ description: 'An http(s) URL.' })
  url!: string;
}

@ObjectType('Approval', { simpleResolvers: true, description: 'One decision filling one approval slot of a change request.' })
export class Approval {
  @Field(() => ID, { description: 'The decision row id.' })
  id!: string;

  @Field(() => Decision, { description: 'APPROVE, or REJECT (which closes the request).' })
  decision!: 'APPROVE' | 'REJECT';

  @Field(() => Role, { description: 'The role of the slot filled.' })
  slotRole!: RoleName;

  @Field(() => Int, { nullable: true, description: 'Which slot of that role (0-based); null on a rejection made after every slot of that role was filled.' })
  slotIndex!: number | null;

  @Field({ description: 'Who decided (principal id).' })
  approverId!: string;

  @Field(() => [Role], { description: 'The roles they held when deciding.' })
  approverRoles!: RoleName[];

  @Field(() => String, { nullable: true, description: 'Their comment (always present on a rejection).' })
  comment!: string | null;

  @Field(() => DateTime, { description: 'When they decided.' })
  createdAt!: Date;
}

@ObjectType('ApprovalSlot', { simpleResolvers: true, description: 'One approval the policy asks for, and the decision filling it, if any.' })
export class ApprovalSlot {
  @Field(() => Role, { description: 'The role the approver must hold.' })
  role!: RoleName;

  @Field(() => Int, { description: 'Which slot of that role (0-based).' })
  index!: number;

  @Field(() => Approval, { nullable: true, description: 'The decision filling the slot; null while open.' })
  approval!: Approval | null;
}

@Directive('@key(fields: "id")')
@ObjectType('ChangeRequest', {
  implements: Node,
  simpleResolvers: true,
  description: 'A requested lifecycle transition of one model version, with the policy it was opened under and its approvals.',
})
export class ChangeRequest extends Node {
  @Field(() => LifecycleState, { description: 'The governed state when the request was opened.' })
  fromState!: LifecycleStateValue;

  @Field(() => LifecycleState, { description: 'The state asked for.' })
  toState!: LifecycleStateValue;

  @Field({ description: 'Who asked (principal id).' })
  requesterId!: string;

  @Field(() => [Role], { description: 'The roles the requester held when asking.' })
  requesterRoles!: RoleName[];

  @Field({ description: 'Why the change is needed.' })
  justification!: string;

  @Field(() => [Evidence], { description: 'Supporting links.' })
  evidence!: Evidence[];

  @Field(() => ChangeRequestStatus, { description: 'Where the request stands.' })
  status!: StatusValue;

  @Field(() => String, { nullable: true, description: 'Why it was closed as it was (rejection comment, expiry, supersession).' })
  statusReason!: string | null;

  @Field(() => DateTime, { description: 'When it was opened.' })
  createdAt!: Date;

  @Field(() => DateTime, { description: 'When it expires if not decided.' })
  expiresAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it was applied, rejected, cancelled, expired or superseded.' })
  decidedAt!: Date | null;
}
