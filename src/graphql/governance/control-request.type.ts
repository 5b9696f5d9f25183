import { Directive, Field, ObjectType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import type { ChangeRequestStatus as StatusValue } from '../../governance/change-request.js';
import type { ControlKind as ControlKindValue } from '../../governance/controls.js';
import { Role } from '../access/role.enum.js';
import { Node } from '../relay/node.type.js';
import { DateTime, JSONObject } from '../scalars.js';
import { ChangeRequestStatus, ControlKind } from './governance.enums.js';

@Directive('@key(fields: "id")')
@ObjectType('ControlRequest', {
  implements: Node,
  simpleResolvers: true,
  description:
    'A change to the controls themselves (a policy, a lowered risk tier, an accountable owner, an approver or admin role grant), applied exactly once when a second person holding `approverRole` approves it.',
})
export class ControlRequest extends Node {
  @Field(() => ControlKind, { description: 'What kind of control it changes.' })
  kind!: ControlKindValue;

  @Field({ description: 'What it changes: `<toState>/<tier>` of a policy (`*`: every tier), the model id, or `<personId>/<role>`.' })
  targetKey!: string;

  @Field(() => JSONObject, { description: 'The value asked for.' })
  proposed!: Record<string, unknown>;

  @Field(() => JSONObject, { description: 'The value when the request was opened; the request is superseded if it moves before the decision.' })
  before!: Record<string, unknown>;

  @Field({ description: 'Who asked (principal id).' })
  requesterId!: string;

  @Field(() => String, { nullable: true, description: 'How the requester was named when asking.' })
  requesterName!: string | null;

  @Field(() => [Role], { description: 'The roles the requester held when asking.' })
  requesterRoles!: RoleName[];

  @Field({ description: 'Why the change is needed.' })
  justification!: string;

  @Field(() => Role, { description: 'The role the deciding person must hold (and they must not be the requester).' })
  approverRole!: RoleName;

  @Field(() => ChangeRequestStatus, { description: 'Where the request stands.' })
  status!: StatusValue;

  @Field(() => String, { nullable: true, description: 'Why it was closed as it was.' })
  statusReason!: string | null;

  @Field(() => String, { nullable: true, description: 'Who approved or rejected it (principal id).' })
  deciderId!: string | null;

  @Field(() => String, { nullable: true, description: 'How the decider was named.' })
  deciderName!: string | null;

  @Field(() => String, { nullable: true, description: "The decider's comment (always present on a rejection)." })
  decisionComment!: string | null;

  @Field(() => DateTime, { description: 'When it was opened.' })
  createdAt!: Date;

  @Field(() => DateTime, { description: 'When it expires if not decided.' })
  expiresAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it was applied, rejected, cancelled, expired or superseded.' })
  decidedAt!: Date | null;
}
