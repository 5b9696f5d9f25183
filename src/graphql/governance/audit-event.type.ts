import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import type { AuditChainProblemKind as ProblemKind } from '../../audit/chain-problems.js';
import { Role } from '../access/role.enum.js';
import { AuditChainProblemKind } from './governance.enums.js';
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

@ObjectType('AuditChainProblem', { simpleResolvers: true, description: 'One thing wrong with the audit chain, with where it is.' })
export class AuditChainProblem {
  @Field(() => AuditChainProblemKind)
  kind!: ProblemKind;

  @Field(() => Float, { nullable: true, description: 'The first sequence concerned (a range’s start); null for a checkpoint file line.' })
  sequence!: number | null;

  @Field(() => Float, { nullable: true, description: 'Start of the range concerned (MISSING, TRUNCATED, REHASHED).' })
  fromSequence!: number | null;

  @Field(() => Float, { nullable: true, description: 'End of the range concerned, inclusive.' })
  toSequence!: number | null;

  @Field({ description: 'What was found, for a person.' })
  message!: string;
}

@ObjectType('AuditChainVerification', {
  simpleResolvers: true,
  description: 'The audit chain recomputed from its first event and checked against the signed checkpoints (in the database and copied outside it).',
})
export class AuditChainVerification {
  @Field({ description: 'True when nothing was edited, removed, truncated or re-hashed and every checkpoint’s signature verifies.' })
  valid!: boolean;

  @Field(() => Float, { nullable: true, description: 'The first sequence where the chain is broken; null when it is not.' })
  firstBrokenSeq!: number | null;

  @Field(() => Int, { description: 'Events verified before the first break (all of them when valid).' })
  checked!: number;

  @Field(() => Float, { nullable: true, description: 'The newest event in the database.' })
  headSeq!: number | null;

  @Field(() => Float, { nullable: true, description: 'The chain verifies from its first event through this one.' })
  lastVerifiedSeq!: number | null;

  @Field(() => Float, { nullable: true, description: 'The newest signed checkpoint the chain agrees with: events up to it are anchored outside the database.' })
  lastAnchoredSeq!: number | null;

  @Field(() => Int, { description: 'Signed checkpoints compared with the chain.' })
  checkpointsChecked!: number;

  @Field({ description: 'False when the hub has no signing key: the chain was checked against itself only, which cannot detect truncation or re-hashing.' })
  signaturesChecked!: boolean;

  @Field(() => [AuditChainProblem], { description: 'What was found, in chain order (at most 100).' })
  problems!: AuditChainProblem[];

  @Field(() => Int, { description: 'Problems beyond those listed.' })
  problemsOmitted!: number;
}
