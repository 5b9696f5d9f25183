import { Field, Float, Int, ObjectType } from 'type-graphql';
import { JSONValue } from '../scalars.js';

@ObjectType('StateDivergence', { simpleResolvers: true, description: 'A governed row that disagrees with what the audit trail recorded.' })
export class StateDivergence {
  @Field({ description: 'model_version, change_request, approval, policy, model, api_key or person.' })
  entityKind!: string;

  @Field({ description: 'The database id of the row, as audit events name it.' })
  entityId!: string;

  @Field({ description: 'The column or fact that differs; `row` when the row itself is unaccounted for (in one but not the other).' })
  field!: string;

  @Field(() => JSONValue, { nullable: true, description: 'What the audit trail says (null: the trail holds no such row).' })
  audited!: unknown;

  @Field(() => JSONValue, { nullable: true, description: 'What the table holds (null: the table holds no such row).' })
  actual!: unknown;

  @Field({ description: 'The divergence, in words.' })
  message!: string;
}

@ObjectType('GovernedStateVerification', { simpleResolvers: true, description: 'The audit trail replayed into governed state and compared with the tables.' })
export class GovernedStateVerification {
  @Field({ description: 'True when every governed row agrees with the audit trail.' })
  consistent!: boolean;

  @Field(() => Float, { description: 'Governance events replayed.' })
  eventsReplayed!: number;

  @Field(() => Float, { description: 'Events lacking a fact the replay needs (older formats): their entities were not compared.' })
  unknownEvents!: number;

  @Field(() => Float, { description: 'The last event replayed: the state is verified as of this event.' })
  lastSeq!: number;

  @Field(() => Int, { description: 'Divergences found (all of them, also when the list is truncated).' })
  divergenceCount!: number;

  @Field(() => [StateDivergence], { description: 'The divergences, at most 1000.' })
  divergences!: StateDivergence[];

  @Field({ description: 'True when more divergences were found than listed.' })
  truncated!: boolean;

  @Field(() => Int, { description: 'How long the replay took.' })
  durationMs!: number;
}
