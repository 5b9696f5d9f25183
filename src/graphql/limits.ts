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
} from 'graphql';
import { getComplexity, type ComplexityEstimator, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { RECENT_CHILDREN_LIMIT } from './inventory/inventory-loaders.js';
import { DEFAULT_PAGE_SIZE } from './relay/connection.args.js';

/** Request limits enforced before execution. */
export interface QueryLimits {
  /** Largest `first`/`last` a connection serves (refused by the field itself above it; at most the schema's 500). */
  maxPageSize: number;
  /** Deepest field nesting (introspection fields excluded). */
  maxDepth: number;
  /** Largest estimated cost (see {@link costEstimator}). */
  maxCost: number;
}

/** Length assumed for a list field without page arguments whose size the server does not bound. */
export const UNPAGED_LIST_FACTOR = 10;
/**
 * Lengths of list fields where the server knows better than {@link UNPAGED_LIST_FACTOR}: lists its loaders cut at a
 * limit, and a version's deployments (a deployment serves one version, and a version serves from a few endpoint
 * variants or aliases at most).
 */
const LIST_LENGTHS: Readonly<Record<string, number>> = {
  'ModelVersion.changes': RECENT_CHILDREN_LIMIT,
  'Source.runs': RECENT_CHILDREN_LIMIT,
  'ModelVersion.deployments': 3,
};
/** Every paged field is at least one SQL statement (two with totalCount), whatever it selects: aliases of it add up. */
export const PAGED_FIELD_BASE_COST = 100;

/** Every root query field runs at least one statement of its own (no loader batches root fields): aliases add up. */
export const ROOT_QUERY_FIELD_BASE_COST = 100;
/** Every root mutation is a transaction with an audit row, some also enqueue jobs: at most a few dozen per request. */
export const ROOT_MUTATION_FIELD_BASE_COST = 1_000;
/**
 * Introspection (`__schema`, `__type`) reads the schema in memory, not data, so it costs nothing: GraphiQL's and code
 * generators' standard queries always pass. What it may nest is bounded by graphql-js validation
 * (MaxIntrospectionDepthRule: type lists nested at most twice), before any cost is estimated.
 */
const isIntrospectionRoot = (options: ComplexityEstimatorArgs) => options.type.name === 'Query' && options.field.name.startsWith('__');

/**
 * Cost = fields the server resolves, estimated: each field costs 1 plus its children; a connection multiplies its
 * children by the page size it will serve (`first`/`last`, else the default; never more than `maxPageSize`, which the
 * field refuses); a list field by its length ({@link LIST_LENGTHS}, the number of `ids` asked for, else
 * {@link UNPAGED_LIST_FACTOR}). `edges`/`nodes` inside a connection are not multiplied again; a paged field also costs
 * {@link PAGED_FIELD_BASE_COST} for its statements. Root fields cost at least {@link ROOT_QUERY_FIELD_BASE_COST} /
 * {@link ROOT_MUTATION_FIELD_BASE_COST}. Aliases count each time, so 1000 aliases of a connection (or of any root
 * field) cost at least 100 000. Introspection costs nothing ({@link isIntrospectionRoot}). `pageCap` lowers every
 * page size, to find the largest that would pass.
 */
export function costEstimator(maxPageSize: number, pageCap = maxPageSize) {
  return (options: ComplexityEstimatorArgs): number => {
    if (isIntrospectionRoot(options)) return 0;
    const own = ownCost(options, Math.min(maxPageSize, pageCap));
    if (options.type.name === 'Mutation') return Math.max(own, ROOT_MUTATION_FIELD_BASE_COST + options.childComplexity);
    if (options.type.name === 'Query') return Math.max(own, ROOT_QUERY_FIELD_BASE_COST + options.childComplexity);
    return own;
  };
}

const ownCost = ({ type, field, args, childComplexity }: ComplexityEstimatorArgs, pageCap: number): number => {
  const paged = field.args.some((arg) => arg.name === 'first');
  if (paged) {
    const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : DEFAULT_PAGE_SIZE;
    return PAGED_FIELD_BASE_COST + childComplexity * Math.min(Math.max(size, 0), pageCap);
  }
  const insideConnection = type.name.endsWith('Connection') && (field.name === 'edges' || field.name === 'nodes');
  if (isListType(getNullableType(field.type)) && !insideConnection && getNamedType(field.type).name !== 'String') {
    return 1 + childComplexity * listLength(`${type.name}.${field.name}`, args);
  }
  return 1 + childComplexity;
};

function listLength(field: string, args: Record<string, unknown>): number {
  if (Array.isArray(args.ids)) return args.ids.length;
  return LIST_LENGTHS[field] ?? UNPAGED_LIST_FACTOR;
}

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

/** Variable sets remembered as within the limits, per parsed document. */
const MAX_REMEMBERED_VARIABLE_SETS = 64;

const refuse = (message: string, code: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });

/**
 * The operation's cost by `estimator`. graphql-query-complexity coerces the request's variables itself, before Apollo
 * does: a variable of the wrong type (`"enabled": 1`, an unknown enum value) makes it throw a GraphQLError without a
 * code, which Apollo would answer as a 500. Such a request is the caller's mistake, named as Apollo names it.
 */
function estimateCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | null | undefined, estimator: ComplexityEstimator): number {
  try {
    return getComplexity({ schema, query: document, variables, operationName: operationName ?? undefined, estimators: [estimator] });
  } catch (error) {
    if (error instanceof GraphQLError) throw refuse(error.message, 'BAD_USER_INPUT');
    throw error;
  }
}

/**
 * The largest page size (`first`/`last` on every connection) at which the operation's cost is within `maxCost`, or
 * null when even empty pages cost too much (too many fields or aliases). The cost grows with the page size, so a
 * binary search finds it.
 */
function largestPassingPageSize(cost: (pageCap: number) => number, maxCost: number, maxPageSize: number): number | null {
  if (cost(0) > maxCost) return null;
  let passes = 0;
  let fails = maxPageSize + 1;
  while (fails - passes > 1) {
    const middle = Math.floor((passes + fails) / 2);
    if (cost(middle) <= maxCost) passes = middle;
    else fails = middle;
  }
  return passes;
}

/**
 * Apollo plugin refusing, before execution, operations that are too deep or too costly. Page arguments are checked by
 * the connection fields themselves (toPageRequest), like every other argument value.
 */
export function limitsPlugin(limits: QueryLimits, schemaRef: () => GraphQLSchema): ApolloServerPlugin {
  // Apollo reuses one parsed document per query text, so a dashboard's repeated query is measured once per set of
  // variables; the refusal (or pass) is the same every time.
  const passed = new WeakMap<DocumentNode, Set<string>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operationName }) {
          const variables = (request.variables ?? {}) as Record<string, unknown>;
          const key = `${operationName ?? ''}\u0000${JSON.stringify(variables)}`;
          const known = passed.get(document);
          if (known?.has(key)) return;
          const depth = queryDepth(document, operationName);
          if (depth > limits.maxDepth) {
            throw refuse(`Query depth ${depth} exceeds the limit of ${limits.maxDepth}`, 'QUERY_TOO_DEEP', { depth, maxDepth: limits.maxDepth });
          }
          const schema = schemaRef();
          const costAt = (pageCap: number) => estimateCost(schema, document, variables, operationName, costEstimator(limits.maxPageSize, pageCap));
          const cost = costAt(limits.maxPageSize);
          if (cost > limits.maxCost) {
            const pageSize = largestPassingPageSize(costAt, limits.maxCost, limits.maxPageSize);
            const advice = pageSize === null ? 'even empty pages cost too much: ask for fewer fields or aliases' : `it would pass with \`first\`/\`last\` of at most ${pageSize} on every connection`;
            throw refuse(`Query cost ${cost} exceeds the limit of ${limits.maxCost}; ${advice}`, 'QUERY_TOO_COMPLEX', { cost, maxCost: limits.maxCost, largestPassingPageSize: pageSize });
          }
          // Bounded: a client varying its variables on every request cannot grow this without limit.
          const verdicts = known ?? new Set<string>();
          if (verdicts.size >= MAX_REMEMBERED_VARIABLE_SETS) verdicts.clear();
          verdicts.add(key);
          if (!known) passed.set(document, verdicts);
        },
      };
    },
  };
}
