import { Field, ID, InterfaceType } from 'type-graphql';

/** A value returned by `node`/`nodes`: any record tagged with the GraphQL type it belongs to. */
export interface TypedNode {
  __typename: string;
  id: string;
}

/**
 * The Relay Node interface. Object types implementing it carry their database uuid in `id`; build-schema.ts encodes it
 * into the opaque global id for every implementing type, in one place.
 */
@InterfaceType('Node', {
  description: 'An object with a globally unique, opaque id, refetchable through `node(id)`.',
  resolveType: (value: TypedNode) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id; stable for the life of the record.' })
  id!: string;
}
