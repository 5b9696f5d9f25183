import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from './relay/connection.args.js';

/** Request limits enforced before execution. */
export interface QueryLimits {
  /** Largest `first`/`last` anywhere in the operation (the schema's own ceiling is 500). */
  maxPageSize: number;
  /** Deepest field nesting (introspection fields excluded). */
  maxDepth: number;
  /** Largest estimated cost (see {@link costEstimator}). */
  maxCost: number;
}

/** Expected size of a list field that has no page argument (a model's versions, a version's deployments). */
export const UNPAGED_LIST_FACTOR = 10;
/** Every paged field is at least one SQL statement (two with totalCount), whatever it selects: aliases of it add up. */
export const PAGED_FIELD_BASE_COST = 100;

/** Every root query field runs at least one statement of its own (no loader batches root fields): aliases add up. */
export const ROOT_QUERY_FIELD_BASE_COST = 100;
/** Every root mutation is a transaction with an audit row, some also enqueue jobs: at most a few dozen per request. */
export const ROOT_MUTATION_FIELD_BASE_COST = 1_000;

/**
 * Cost = fields the server resolves, estimated: each field costs 1 plus its children; a connection multiplies its
 * children by `first`/`last` (default page size); other list fields by {@link UNPAGED_LIST_FACTOR}. `edges`/`nodes`
 * inside a connection are not multiplied again; a paged field also costs {@link PAGED_FIELD_BASE_COST} for its
 * statements. Root fields cost at least {@link ROOT_QUERY_FIELD_BASE_COST} / {@link ROOT_MUTATION_FIELD_BASE_COST}.
 * Aliases count each time, so 1000 aliases of a connection (or of any root field) cost at least 100 000.
 */
export const costEstimator = (options: ComplexityEstimatorArgs): number => {
  const own = ownCost(options);
  if (options.type.name === 'Mutation') return Math.max(own, ROOT_MUTATION_FIELD_BASE_COST + options.childComplexity);
  if (options.type.name === 'Query' && !options.field.name.startsWith('__')) return Math.max(own, ROOT_QUERY_FIELD_BASE_COST + options.childComplexity);
  return own;
};

const ownCost = ({ type, field, args, childComplexity }: ComplexityEstimatorArgs): number => {
  const paged = field.args.some((arg) => arg.name === 'first');
  if (paged) {
    const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : DEFAULT_PAGE_SIZE;
    return PAGED_FIELD_BASE_COST + childComplexity * Math.max(size, 0);
  }
  const insideConnection = type.name.endsWith('Connection') && (field.name === 'edges' || field.name === 'nodes');
  if (isListType(getNullableType(field.type)) && !insideConnection && getNamedType(field.type).name !== 'String') {
    return 1 + childComplexity * UNPAGED_LIST_FACTOR;
  }
  return 1 + childComplexity;
};

function depthOf(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  if (!set) return 0;
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, fragments, seen));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, seen));
    } else if (!seen.has(selection.name.value)) {
      const fragment = fragments.get(selection.name.value);
      deepest = Math.max(deepest, depthOf(fragment?.selectionSet, fragments, new Set([...seen, selection.name.value])));
    }
  }
  return deepest;
}

/** Depth of the operation that will run (fragments expanded; `__schema`/`__type` introspection excluded). */
export function queryDepth(document: DocumentNode, operationName?: string | null): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let depth = 0;
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && definition.name?.value !== operationName) continue;
    depth = Math.max(depth, depthOf(definition.selectionSet, fragments, new Set()));
  }
  return depth;
}

function numericValue(node: ValueNode, variables: Record<string, unknown>): number | null {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) {
    const value = variables[node.name.value];
    return typeof value === 'number' ? value : null;
  }
  return null;
}

/** The largest `first`/`last` argument in the document. */
function largestPageSize(document: DocumentNode, variables: Record<string, unknown>): number {
  let largest = 0;
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        for (const argument of selection.arguments ?? []) {
          if (argument.name.value !== 'first' && argument.name.value !== 'last') continue;
          largest = Math.max(largest, numericValue(argument.value, variables) ?? 0);
        }
      }
      if (selection.kind !== Kind.FRAGMENT_SPREAD) visit(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition.selectionSet);
  }
  return largest;
}

const refuse = (message: string, code: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });

/**
 * The operation's cost. graphql-query-complexity coerces the request's variables itself, before Apollo does: a
 * variable of the wrong type (`"enabled": 1`, an unknown enum value) makes it throw a GraphQLError without a code,
 * which Apollo would answer as a 500. Such a request is the caller's mistake, named as Apollo names it.
 */
function estimateCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | null | undefined): number {
  try {
    return getComplexity({ schema, query: document, variables, operationName: operationName ?? undefined, estimators: [costEstimator] });
  } catch (error) {
    if (error instanceof GraphQLError) throw refuse(error.message, 'BAD_USER_INPUT');
    throw error;
  }
}

/** Apollo plugin refusing, before execution, operations that are too deep, too costly or ask for oversized pages. */
export function limitsPlugin(limits: QueryLimits, schemaRef: () => GraphQLSchema): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operationName }) {
          const variables = (request.variables ?? {}) as Record<string, unknown>;
          const pageSize = largestPageSize(document, variables);
          if (pageSize > limits.maxPageSize) {
            throw refuse(`Page size ${pageSize} exceeds the limit of ${limits.maxPageSize}; page with cursors instead`, 'BAD_USER_INPUT', { maxPageSize: limits.maxPageSize });
          }
          const depth = queryDepth(document, operationName);
          if (depth > limits.maxDepth) {
            throw refuse(`Query depth ${depth} exceeds the limit of ${limits.maxDepth}`, 'QUERY_TOO_DEEP', { depth, maxDepth: limits.maxDepth });
          }
          const cost = estimateCost(schemaRef(), document, variables, operationName);
          if (cost > limits.maxCost) {
            throw refuse(`Query cost ${cost} exceeds the limit of ${limits.maxCost}; ask for fewer rows or fields`, 'QUERY_TOO_COMPLEX', { cost, maxCost: limits.maxCost });
          }
        },
      };
    },
  };
}
