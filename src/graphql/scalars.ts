import { GraphQLDateTimeISO, GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { GraphQLScalarType } from 'graphql';

/** RFC 3339 date-time at UTC (graphql-scalars DateTimeISO, published under the conventional name `DateTime`). */
export const DateTime = new GraphQLScalarType({ ...GraphQLDateTimeISO.toConfig(), name: 'DateTime' });

export { GraphQLJSON as JSON, GraphQLJSONObject as JSONObject };
