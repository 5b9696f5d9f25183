import { GraphQLDateTimeISO, GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { GraphQLScalarType } from 'graphql';

/** RFC 3339 date-time at UTC (graphql-scalars DateTimeISO, published under the conventional name `DateTime`). */
export const DateTime = new GraphQLScalarType({ ...GraphQLDateTimeISO.toConfig(), name: 'DateTime' });

/**
 * graphql-scalars builds an object written inline in a query (`settings: { trackingUri: "…" }`) with
 * Object.create(null), while the same object sent as a variable comes from JSON.parse with the ordinary prototype.
 * Code past the API (drizzle's `is()`, anything reading `.constructor`) expects the latter, so both ways of writing
 * an input yield ordinary objects and arrays.
 */
function withOrdinaryObjects(scalar: GraphQLScalarType): GraphQLScalarType {
  const config = scalar.toConfig();
  return new GraphQLScalarType({
    ...config,
    parseValue: (value) => toOrdinary(config.parseValue!(value)),
    parseLiteral: (ast, variables) => toOrdinary(config.parseLiteral!(ast, variables)),
  });
}

/** A deep copy with the ordinary prototypes; Object.fromEntries defines keys such as `__proto__` as plain data. */
export function toOrdinary(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toOrdinary);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toOrdinary(item)]));
  return value;
}

/** The schema's `JSON` (any JSON value). Every field uses these instances, not graphql-scalars' (one type per name). */
export const JSONValue = withOrdinaryObjects(GraphQLJSON);
/** The schema's `JSONObject`. */
export const JSONObject = withOrdinaryObjects(GraphQLJSONObject);
