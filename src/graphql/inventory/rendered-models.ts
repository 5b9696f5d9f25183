import {
  getArgumentValues,
  getNamedType,
  GraphQLEnumType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { RenderedObject, RenderedValue } from '../../inventory/rendered-json.js';
import type { PageRequest } from '../../page.js';
import { authChecker, READ_ROLES } from '../auth-checker.js';
import type { GraphQLContext } from '../context.js';
import { toPageRequest } from '../relay/connection.js';
import { cursorScope } from './ordering.input.js';

/**
 * Queries that are pure projections of the models page — `models(first, after) { edges { cursor node { <columns>,
 * versions { <columns>, deployments { <columns> } } } } nodes { … } pageInfo { … } totalCount }`, with aliases and
 * `__typename` — are answered by PostgreSQL as JSON text (rendered-json.ts) instead of rows turned into records,
 * executed and serialised again. Anything else (filters, orderings, backward pages, fragments, directives, timestamps,
 * other relations, fields with resolvers of their own, a caller without a read role) is declined here and runs as
 * every other query does, so what a client receives never depends on which path answered.
 */

const DEFAULT_ORDER = { field: 'NAME', direction: 'ASC' } as const;
/** Scalars whose stored JSON is exactly what their serialisation writes. */
const VERBATIM_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'JSONObject', 'JSON']);
/** Relation fields whose rows and order rendered-json.ts renders as the resolvers read them. */
const RELATIONS: Readonly<Record<string, Readonly<Record<string, { kind: 'versions' | 'deployments'; type: string }>>>> = {
  Model: { versions: { kind: 'versions', type: 'ModelVersion' } },
  ModelVersion: { deployments: { kind: 'deployments', type: 'Deployment' } },
};

export type PageInfoField = 'hasNextPage' | 'hasPreviousPage' | 'startCursor' | 'endCursor';
const PAGE_INFO_FIELDS = new Set<string>(['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor'] satisfies PageInfoField[]);

/** A key of an edge: the page row's model (one of the rendered objects, by index), its cursor, or a type name. */
export type EdgePart = { object: number } | 'cursor' | { literal: string };

/** A key of the connection object: a type name, the count, the edges, the models themselves, or the page info. */
export type ConnectionPart =
  | { kind: 'literal'; value: string }
  | { kind: 'totalCount' }
  | { kind: 'edges'; fields: ReadonlyArray<readonly [responseKey: string, part: EdgePart]> }
  | { kind: 'nodes'; object: number }
  | { kind: 'pageInfo'; fields: ReadonlyArray<readonly [responseKey: string, value: PageInfoField | { literal: string }]> };

export interface RenderedModelsField {
  responseKey: string;
  page: PageRequest;
  order: typeof DEFAULT_ORDER;
  /** The model objects PostgreSQL renders per page row (edges' nodes and `nodes` name theirs by index). */
  objects: RenderedObject[];
  connection: ReadonlyArray<readonly [responseKey: string, part: ConnectionPart]>;
  /** The cursor scope of the page's ordering. */
  scope: string;
  /** Whether the page info needs to know if more rows follow. */
  probe: boolean;
}

/** The plan of a renderable query: its root keys in response order. */
export type RenderedModelsPlan = ReadonlyArray<readonly [responseKey: string, value: RenderedModelsField | { typename: string }]>;

class Declined extends Error {}

const decline = (why: string): never => {
  throw new Declined(why);
};

/** The fields of a selection set, in order, each under a response key of its own; fragments and directives decline. */
function fields(selectionSet: SelectionSetNode | undefined): FieldNode[] {
  if (!selectionSet) return decline('a leaf where an object was expected');
  const seen = new Set<string>();
  return selectionSet.selections.map((selection) => {
    if (selection.kind !== Kind.FIELD) return decline('a fragment');
    if (selection.directives?.length) return decline('a directive');
    const key = selection.alias?.value ?? selection.name.value;
    if (seen.has(key)) return decline('a response key selected twice');
    seen.add(key);
    return selection;
  });
}

function fieldOf(type: GraphQLObjectType, node: FieldNode): GraphQLField<unknown, unknown> {
  return type.getFields()[node.name.value] ?? decline(`no field ${node.name.value}`);
}

/** A column read as is: the field has no resolver of its own and its stored form is its serialised form. */
function columnValue(field: GraphQLField<unknown, unknown>, type: GraphQLType): RenderedValue {
  if (field.resolve || field.args.length > 0) return decline(`${field.name} has a resolver`);
  const required = type instanceof GraphQLNonNull;
  const named = getNamedType(type);
  if (named instanceof GraphQLEnumType) {
    return { kind: 'named', key: field.name, names: Object.fromEntries(named.getValues().map((value) => [String(value.value), value.name])), required };
  }
  if (named instanceof GraphQLScalarType && VERBATIM_SCALARS.has(named.name) && !(type instanceof GraphQLList) && !(required && (type as GraphQLNonNull<GraphQLType>).ofType instanceof GraphQLList)) {
    return { kind: 'column', key: field.name, required };
  }
  return decline(`${field.name} is a ${named.name}`);
}

function objectShape(type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined): RenderedObject {
  const isNode = type.getInterfaces().some((face) => face.name === 'Node');
  return fields(selectionSet).map((node): readonly [string, RenderedValue] => {
    const key = node.alias?.value ?? node.name.value;
    if (node.name.value === '__typename') return [key, { kind: 'literal', value: type.name }];
    const field = fieldOf(type, node);
    const relation = RELATIONS[type.name]?.[field.name];
    if (relation) {
      const target = getNamedType(field.type);
      if (!(target instanceof GraphQLObjectType) || target.name !== relation.type || field.args.length > 0) return decline(`${field.name} changed`);
      return [key, { kind: relation.kind, shape: objectShape(target, node.selectionSet) }];
    }
    if (node.selectionSet) return decline(`${field.name} is an object`);
    if (field.name === 'id' && isNode) return [key, { kind: 'globalId', type: type.name }];
    return [key, columnValue(field, field.type)];
  });
}

function edgeShape(type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined, object: (shape: RenderedObject) => number) {
  return fields(selectionSet).map((node): readonly [string, EdgePart] => {
    const key = node.alias?.value ?? node.name.value;
    if (node.name.value === '__typename') return [key, { literal: type.name }];
    if (node.name.value === 'cursor') return [key, 'cursor'];
    if (node.name.value !== 'node') return decline(`edge field ${node.name.value}`);
    return [key, { object: object(objectShape(modelType(fieldOf(type, node)), node.selectionSet)) }];
  });
}

function modelType(field: GraphQLField<unknown, unknown>): GraphQLObjectType {
  const model = getNamedType(field.type);
  return model instanceof GraphQLObjectType && model.name === 'Model' ? model : decline('a node other than Model');
}

function pageInfoShape(type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined) {
  return fields(selectionSet).map((node): readonly [string, PageInfoField | { literal: string }] => {
    const key = node.alias?.value ?? node.name.value;
    if (node.name.value === '__typename') return [key, { literal: type.name }];
    return PAGE_INFO_FIELDS.has(node.name.value) ? [key, node.name.value as PageInfoField] : decline(`page info field ${node.name.value}`);
  });
}

function modelsField(schema: GraphQLSchema, node: FieldNode, variables: Record<string, unknown>, context: GraphQLContext): RenderedModelsField {
  const field = schema.getQueryType()!.getFields().models;
  const args = getArgumentValues(field, node, variables) as { first?: number | null; after?: string | null; last?: unknown; before?: unknown; filter?: unknown; orderBy?: unknown };
  if (args.last != null || args.before != null || args.filter != null || args.orderBy != null) return decline('arguments beyond first and after');
  const scope = cursorScope('models', DEFAULT_ORDER);
  const connectionType = getNamedType(field.type) as GraphQLObjectType;
  const objects: RenderedObject[] = [];
  const object = (shape: RenderedObject) => objects.push(shape) - 1;
  const connection = fields(node.selectionSet).map((child): readonly [string, ConnectionPart] => {
    const key = child.alias?.value ?? child.name.value;
    const childType = () => getNamedType(fieldOf(connectionType, child).type) as GraphQLObjectType;
    switch (child.name.value) {
      case '__typename':
        return [key, { kind: 'literal', value: connectionType.name }];
      case 'totalCount':
        return [key, { kind: 'totalCount' }];
      case 'edges':
        return [key, { kind: 'edges', fields: edgeShape(childType(), child.selectionSet, object) }];
      case 'nodes':
        return [key, { kind: 'nodes', object: object(objectShape(modelType(fieldOf(connectionType, child)), child.selectionSet)) }];
      case 'pageInfo':
        return [key, { kind: 'pageInfo', fields: pageInfoShape(childType(), child.selectionSet) }];
      default:
        return decline(`connection field ${child.name.value}`);
    }
  });
  const pageInfo = connection.flatMap(([, part]) => (part.kind === 'pageInfo' ? part.fields.map(([, value]) => value) : []));
  // The resolver's own checks, in its order: a refusal is the resolver's to report.
  authChecker({ context } as never, [...READ_ROLES]);
  const page = toPageRequest({ first: args.first, after: args.after }, scope, context.maxPageSize);
  return {
    responseKey: node.alias?.value ?? node.name.value,
    page,
    order: DEFAULT_ORDER,
    objects,
    connection,
    scope,
    probe: pageInfo.includes('hasNextPage'),
  };
}

/**
 * The plan of a query PostgreSQL can answer as rendered JSON, or null for every query it cannot (those run as usual).
 * Variables must already be coerced (graphql-js's getVariableValues).
 */
export function planRenderedModels(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>, context: GraphQLContext): RenderedModelsPlan | null {
  if (operation.operation !== 'query' || operation.directives?.length) return null;
  try {
    return fields(operation.selectionSet).map((node) => {
      const key = node.alias?.value ?? node.name.value;
      if (node.name.value === '__typename') return [key, { typename: schema.getQueryType()!.name }] as const;
      if (node.name.value !== 'models') return decline(`root field ${node.name.value}`);
      return [key, modelsField(schema, node, variables, context)] as const;
    });
  } catch {
    // Declined, or an argument the resolver would refuse: either way the usual path answers, with its own errors.
    return null;
  }
}
