import { Field, ObjectType } from 'type-graphql';
import { Node } from '../relay/node.type.js';
import { DateTime } from '../scalars.js';

@ObjectType('InventoryChange', {
  implements: Node,
  simpleResolvers: true,
  description: 'One created, changed, deleted or restored record in one sync run: "what changed in our model estate this week".',
})
export class InventoryChange extends Node {
  @Field({ description: 'model, version or deployment.' })
  entityKind!: string;

  @Field({ description: "The changed record's vendor id." })
  externalId!: string;

  @Field({ description: 'CREATED, UPDATED, DELETED or RESTORED.' })
  change!: string;

  @Field(() => [String], { description: 'Names of the fields that changed (empty for created/deleted).' })
  changedFields!: string[];

  @Field(() => DateTime, { description: 'When the change was recorded.' })
  at!: Date;
}
