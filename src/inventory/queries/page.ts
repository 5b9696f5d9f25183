/**
 * Keyset pagination as the read side sees it. The GraphQL layer turns Relay arguments and cursors into a
 * PageRequest; queries answer with rows and each row's position (sort key + id) for the next cursor.
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

/** A requested ordering: the field's name in the entity's order vocabulary and a direction. */
export interface Ordering<F extends string> {
  field: F;
  direction: SortDirection;
}
