import { Directive, Field, ObjectType } from 'type-graphql';

/**
 * Shareable: every Relay-style subgraph of a supergraph declares this same type, and Apollo composition refuses a
 * type two subgraphs resolve unless both mark it so.
 */
@Directive('@shareable')
@ObjectType('PageInfo', { description: 'Relay page information for a cursor connection.', simpleResolvers: true })
export class PageInfo {
  @Field({ description: 'True when more rows follow the last edge in the connection order.' })
  hasNextPage!: boolean;

  @Field({ description: 'True when rows precede the first edge (reported when paging backward, or when an `after` cursor was given).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge; null on an empty page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; null on an empty page.' })
  endCursor!: string | null;
}
