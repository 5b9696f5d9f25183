import { Directive, Field, ObjectType } from 'type-graphql';
import { Node } from '../relay/node.type.js';
import { DateTime, JSONObject } from '../scalars.js';

@Directive('@key(fields: "id")')
@ObjectType('Finding', {
  implements: Node,
  simpleResolvers: true,
  description: 'A governance violation detected from observed state (e.g. a version serving production without governed PRODUCTION state).',
})
export class Finding extends Node {
  @Field({ description: 'UNGOVERNED_PRODUCTION, MISSING_OWNER, STALE_SOURCE, ORPHAN_DEPLOYMENT, STATE_DIVERGES_FROM_AUDIT' })
  kind!: string;

  @Field({ description: 'model, version, deployment or source (and change_request, approval, policy, api_key or person for STATE_DIVERGES_FROM_AUDIT): what the finding is about.' })
  entityKind!: string;

  @Field({ description: 'Why, in words.' })
  message!: string;

  @Field(() => JSONObject, { description: 'Facts behind the finding.' })
  details!: Record<string, unknown>;

  @Field(() => DateTime, { description: 'When the condition was first detected.' })
  openedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the condition cleared; null while open.' })
  resolvedAt!: Date | null;
}
