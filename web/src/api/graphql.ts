import { initGraphQLTada } from 'gql.tada';
import type { introspection } from '../graphql-env.d.ts';

/**
 * Typed documents: `graphql(…)` parses each document against schema/schema.graphql at type level, and the build
 * (`gql.tada check`, then tsc) fails when a document or its use no longer fits the schema.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: {
    DateTime: string;
    JSON: unknown;
    JSONObject: Record<string, unknown>;
  };
}>();

/** A schema enum's values as a union type (gql.tada reads them from schema/schema.graphql). */
export type EnumOf<Name extends string> = ReturnType<typeof graphql.scalar<Name>>;

/**
 * A schema enum's values listed for the UI, in the order given (types carry no values). The build fails when the
 * list misses a value of the schema or names one it does not have, so the two cannot drift apart.
 */
export const enumValues =
  <E extends string>() =>
  <const V extends readonly E[]>(values: V & ([Exclude<E, V[number]>] extends [never] ? unknown : never)): V =>
    values;

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';
