/**
 * The hub's page shapes, declared once for every module that lists (inventory, governance, audit) and for the GraphQL
 * connections built from them. Keyset pagination as the read side sees it: the GraphQL layer turns Relay arguments
 * and cursors into a PageRequest; queries answer with rows and each row's position (sort key + id) for the next cursor.
 */

/** Where a row sits in an ordering: its sort key(s) rendered as text by SQL (exact, no µs loss) and its id. */
export interface KeysetPosition {
  keys: string[];
  id: string;
}

export type SortDirection = 'ASC' | 'DESC';

export interface PageRequest {
  /** Rows wanted (already validated against the page-size limits). */
  size: number;
  /** forward = first/after; backward = last/before (rows are still returned in the requested order). */
  direction: 'forward' | 'backward';
  /** The exclusive boundary: `after` for forward, `before` for backward. */
  boundary?: KeysetPosition;
}

export interface PageItem<T> {
  record: T;
  position: KeysetPosition;
}

export interface Page<T> {
  items: Array<PageItem<T>>;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Counts every row matching the filter; a thunk so the COUNT runs only when a client asks for totalCount. */
  totalCount: () => Promise<number>;
}

/**
 * A forward-only page in a fixed newest-first order, counted as it is read (change requests, audit events): the rows
 * alone, since each row's own columns are its position. {@link keysetPageOf} turns it into a {@link Page}.
 */
export interface ForwardPage<T> {
  items: T[];
  hasNextPage: boolean;
  totalCount: number;
}

/** The {@link Page} of a forward page, each row positioned by `positionOf`; `hasPreviousPage` when it was read after a cursor. */
export function keysetPageOf<T>(page: ForwardPage<T>, hasPreviousPage: boolean, positionOf: (record: T) => KeysetPosition): Page<T> {
  return {
    items: page.items.map((record) => ({ record, position: positionOf(record) })),
    hasNextPage: page.hasNextPage,
    hasPreviousPage,
    totalCount: async () => page.totalCount,
  };
}

/** A requested ordering: the field's name in the entity's order vocabulary and a direction. */
export interface Ordering<F extends string> {
  field: F;
  direction: SortDirection;
}
