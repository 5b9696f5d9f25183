import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import { Role } from '../access/role.enum.js';
import { DateTime, JSONObject } from '../scalars.js';

@ObjectType('AuditEvent', { simpleResolvers: true, description: 'One append-only, hash-chained record of a state change.' })
export class AuditEvent {
  @Field(() => Float, { description: 'Position in the chain (1, 2, 3, …; gapless). The event’s stable identifier.' })
  seq!: number;

  @Field(() => DateTime, { description: 'When it happened.' })
  at!: Date;

  @Field({ description: 'Who did it (principal id, or system:<component>).' })
  actorId!: string;

  @Field(() => [Role], { description: 'The roles they held.' })
  actorRoles!: RoleName[];

  @Field({ description: 'verb.noun, e.g. change_request.applied, policy.updated, finding.resolved.' })
  action!: string;

  @Field({ description: 'What kind of thing changed (change_request, model, model_version, policy, finding, source, api_key, …).' })
  entityKind!: string;

  @Field({ description: 'Its id (database id).' })
  entityId!: string;

  @Field(() => JSONObject, { nullable: true, description: 'What changed, before (never secrets).' })
  before!: Record<string, unknown> | null;

  @Field(() => JSONObject, { nullable: true, description: 'What changed, after (never secrets).' })
  after!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'The API request or job id that caused it, for correlation with logs.' })
  requestId!: string | null;

  @Field({ description: 'sha256(previous hash + canonical event).' })
  hash!: string;

  @Field({ description: "The previous event's hash (64 zeros for the first)." })
  prevHash!: string;
}

@ObjectType('AuditChainVerification', { simpleResolvers: true, description: 'The result of recomputing every hash of the audit chain.' })
export class AuditChainVerification {
  @Field({ description: 'True when no event was edited, inserted or removed.' })
  valid!: boolean;

  @Field(() => Float, { nullable: true, description: 'The first event whose hash or link does not match; null when valid.' })
  firstBrokenSeq!: number | null;

  @Field(() => Int, { description: 'Events verified before the break (all of them when valid).' })
  checked!: number;
}
