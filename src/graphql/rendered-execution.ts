import { randomUUID } from 'node:crypto';
import { getOperationAST, getVariableValues, Kind, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { GraphQLContext } from './context.js';
import type { RenderedRow } from '../inventory/inventory-read.service.js';
import { planRenderedModels, type ConnectionPart, type PageInfoField, type RenderedModelsField, type RenderedModelsPlan } from './inventory/rendered-models.js';
import { encodeCursor } from './relay/cursor.js';

/**
 * Answers the queries PostgreSQL can render as JSON (inventory/rendered-models.ts decides which) and splices the
 * rendered text into Apollo's response. Apollo serialises whatever `data` it is given, so `data` is a per-request
 * random token, which the transport replaces with the rendered text after Apollo has written the body: the response
 * passes through Apollo's plugins and formatting like any other.
 */
export interface RenderedExecution {
  /** The result of a rendered query, or null when the query is not one (it then runs as usual). Never throws. */
  execute(request: { document: DocumentNode; operationName: string | null; variables: Record<string, unknown> | undefined; context: GraphQLContext }): Promise<ExecutionResult | null>;
  /** The response body with the request's rendered data in place of its token (unchanged for other requests). */
  splice(context: GraphQLContext, body: string): string;
}

const member = (key: string, value: string) => `${JSON.stringify(key)}:${value}`;

/** The connection object of one rendered `models` field, its keys in response order. */
async function renderedConnection(field: RenderedModelsField, context: GraphQLContext): Promise<string> {
  const { inventory } = context.services;
  const parts = field.connection.map(([, part]) => part);
  const [{ rows, hasNextPage }, count] = await Promise.all([
    parts.some((part) => part.kind !== 'literal' && part.kind !== 'totalCount')
      ? inventory.renderModelRows({}, field.order, field.page, { objects: field.objects, probe: field.probe })
      : { rows: [], hasNextPage: false },
    parts.some((part) => part.kind === 'totalCount') ? inventory.countModels({}) : null,
  ]);
  const cursorOf = (row: RenderedRow | undefined) => (row ? encodeCursor(field.scope, row.position) : null);
  const pageInfo: Record<PageInfoField, boolean | string | null> = {
    hasNextPage,
    hasPreviousPage: field.page.boundary !== undefined,
    startCursor: cursorOf(rows[0]),
    endCursor: cursorOf(rows.at(-1)),
  };
  const edge = (row: RenderedRow, fields: Extract<ConnectionPart, { kind: 'edges' }>['fields']) =>
    `{${fields.map(([key, part]) => member(key, part === 'cursor' ? JSON.stringify(cursorOf(row)) : 'object' in part ? row.objects[part.object] : JSON.stringify(part.literal))).join(',')}}`;
  const members = field.connection.map(([key, part]) => {
    switch (part.kind) {
      case 'literal':
        return member(key, JSON.stringify(part.value));
      case 'totalCount':
        return member(key, String(count));
      case 'edges':
        return member(key, `[${rows.map((row) => edge(row, part.fields)).join(',')}]`);
      case 'nodes':
        return member(key, `[${rows.map((row) => row.objects[part.object]).join(',')}]`);
      case 'pageInfo':
        return member(key, `{${part.fields.map(([infoKey, value]) => member(infoKey, JSON.stringify(typeof value === 'string' ? pageInfo[value] : value.literal))).join(',')}}`);
    }
  });
  return `{${members.join(',')}}`;
}

async function renderedData(plan: RenderedModelsPlan, context: GraphQLContext): Promise<string> {
  const members: string[] = [];
  for (const [key, root] of plan) members.push(member(key, 'typename' in root ? JSON.stringify(root.typename) : await renderedConnection(root, context)));
  return `{${members.join(',')}}`;
}

export function createRenderedExecution(schema: GraphQLSchema): RenderedExecution {
  return {
    async execute({ document, operationName, variables, context }) {
      const operation = getOperationAST(document, operationName);
      // Most queries ask for something else at the root: decided before their variables are coerced a second time.
      if (!operation || !operation.selectionSet.selections.some((selection) => selection.kind === Kind.FIELD && selection.name.value === 'models')) return null;
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
      if (coerced.errors) return null;
      const plan = planRenderedModels(schema, operation, coerced.coerced, context);
      if (!plan) return null;
      let data: string;
      try {
        data = await renderedData(plan, context);
      } catch (error) {
        // A shape the read side declines, a stored value the API would refuse to serialise, an outage: the usual
        // path answers each as the API does.
        context.logger.debug({ err: error }, 'rendered query declined; executing it');
        return null;
      }
      const token = `rendered:${randomUUID()}`;
      context.renderedData.token = token;
      context.renderedData.text = data;
      return { data: token as unknown as Record<string, unknown> };
    },
    splice(context, body) {
      const { token, text } = context.renderedData;
      if (token === undefined || text === undefined) return body;
      const placeholder = JSON.stringify(token);
      const at = body.indexOf(placeholder);
      return at < 0 ? body : body.slice(0, at) + text + body.slice(at + placeholder.length);
    },
  };
}
