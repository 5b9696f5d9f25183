import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import {
  execute,
  getOperationAST,
  getVariableValues,
  BREAK,
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

export interface ExecutionRequest {
  document: DocumentNode;
  operationName: string | null;
  variables: Record<string, unknown> | undefined;
  context: unknown;
}

export type Execute = (request: ExecutionRequest) => Promise<ExecutionResult>;

/**
 * graphql-jit's errors are GraphQLErrors by prototype only: `extensions` stays undefined where graphql-js gives `{}`,
 * and Apollo reads `extensions.code` from it. Rebuilt as graphql-js's own, with the same message, path, locations and
 * original error.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions ?? undefined });
  (rebuilt as { locations: GraphQLError['locations'] }).locations = error.locations;
  return rebuilt;
}

/**
 * graphql-jit writes literal argument values into the code it generates, then rewrites strings that start with its
 * private markers (`__MAGIC_DATE__…`) into expressions: a string literal carrying one would be code. Any document
 * with such a value anywhere (escapes are decoded by the parser, so the parsed values are what count) is left to
 * graphql-js.
 */
const JIT_MARKER = '__MAGIC_';

function carriesJitMarker(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    enter(node) {
      if ((node.kind === Kind.STRING || node.kind === Kind.ENUM || node.kind === Kind.NAME) && node.value.includes(JIT_MARKER)) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Introspection is rare and graphql-js's own resolvers answer it exactly; it is not worth a compiled plan. */
function asksForIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((selection) => selection.kind === 'Field' && (selection.name.value === '__schema' || selection.name.value === '__type'));
}

/**
 * Queries run as plans compiled by graphql-jit, one per parsed document and operation (Apollo hands the same
 * DocumentNode back for the same query text), because graphql-js's generic walk dominates the cost of large pages.
 * Mutations, introspection and documents graphql-jit declines run on graphql-js unchanged. Variables are coerced by
 * graphql-js first, so a bad variable is refused with exactly graphql-js's error (Apollo maps it to BAD_USER_INPUT).
 */
export function createCompiledExecution(schema: GraphQLSchema): Execute {
  const plans = new WeakMap<DocumentNode, Map<string | null, CompiledQuery | null>>();

  const planFor = (document: DocumentNode, operationName: string | null, operation: OperationDefinitionNode): CompiledQuery | null => {
    let byName = plans.get(document);
    if (!byName) {
      byName = new Map();
      plans.set(document, byName);
    }
    if (byName.has(operationName)) return byName.get(operationName)!;
    let plan: CompiledQuery | null = null;
    if (operation.operation === 'query' && !asksForIntrospection(operation) && !carriesJitMarker(document)) {
      const compiled = compileQuery(schema, document, operationName ?? undefined);
      plan = isCompiledQuery(compiled) ? compiled : null;
    }
    byName.set(operationName, plan);
    return plan;
  };

  return async ({ document, operationName, variables, context }) => {
    const operation = getOperationAST(document, operationName);
    const plan = operation ? planFor(document, operationName, operation) : null;
    if (!operation || !plan) return execute({ schema, document, operationName, variableValues: variables, contextValue: context });
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
    if (coerced.errors) return { errors: coerced.errors };
    const result = await plan.query(undefined, context, variables ?? {});
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };
}
