import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { InputError } from '../../errors.js';
import type { Page, PageRequest } from '../../page.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { DEFAULT_PAGE_SIZE, type ConnectionArgs } from './connection.args.js';
import { PageInfo } from './page-info.type.js';

/** What a connection field returns; `totalCount` is a thunk so graphql-js only runs the COUNT when it is selected. */
export interface ConnectionResult<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: () => Promise<number>;
}

/**
 * Validates Relay arguments into a keyset page request: the one place every connection checks `first`, `last`,
 * `after` and `before`. `scope` binds cursors to one connection and ordering. Negative sizes, sizes above
 * `maxPageSize` (MAX_PAGE_SIZE, at most the schema's 500), `first` with `last`, and cursors
 * issued elsewhere are BAD_USER_INPUT, like any other argument value the field cannot take.
 */
export function toPageRequest(args: ConnectionArgs, scope: string, maxPageSize: number): PageRequest {
  const { first, last, after, before } = args;
  if (first != null && last != null) throw new InputError('Pass either `first` or `last`, not both');
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value == null) continue;
    if (value < 0) throw new InputError(`\`${name}\` must not be negative (got ${value})`, [{ path: name, message: 'must be >= 0' }]);
    if (value > maxPageSize) {
      throw new InputError(`\`${name}\` must be at most ${maxPageSize} (got ${value}); page with cursors instead`, [{ path: name, message: `must be <= ${maxPageSize}` }]);
    }
  }
  if (last != null || (before != null && first == null)) {
    if (after != null) throw new InputError('Use `after` with `first`, and `before` with `last`');
    return { size: last ?? DEFAULT_PAGE_SIZE, direction: 'backward', boundary: before != null ? decodeCursor(scope, before) : undefined };
  }
  if (before != null) throw new InputError('Use `after` with `first`, and `before` with `last`');
  return { size: first ?? DEFAULT_PAGE_SIZE, direction: 'forward', boundary: after != null ? decodeCursor(scope, after) : undefined };
}

/** Turns a read-side page into a Relay connection, issuing cursors bound to `scope`. */
export function toConnection<T, N = T>(page: Page<T>, scope: string, map?: (record: T) => N): ConnectionResult<N> {
  const edges = page.items.map((item) => ({ cursor: encodeCursor(scope, item.position), node: (map ? map(item.record) : item.record) as N }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
    totalCount: page.totalCount,
  };
}

/**
 * Declares `<Name>Connection` and `<Name>Edge` object types for a node type. Call once per node type, at module level.
 */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string, what: string): ClassType<ConnectionResult<T>> {
  @ObjectType(`${name}Edge`, { description: `One ${what} in a page, with its cursor.`, simpleResolvers: true })
  class Edge {
    @Field({ description: 'Opaque cursor of this edge: pass it to `after`/`before` of the same connection and ordering.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${what}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${what}s (Relay cursor connection, keyset-paginated).`, simpleResolvers: true })
  class Connection {
    @Field(() => [Edge], { description: 'The page, in the requested order.' })
    edges!: Edge[];

    @Field(() => [nodeType], { description: 'The nodes of `edges`, for clients that do not need cursors.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Where this page sits in the whole result.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Rows matching the filter, over all pages (computed only when selected).' })
    totalCount!: number;
  }
  return Connection as unknown as ClassType<ConnectionResult<T>>;
}
