import { ArgsType, Field, Int } from 'type-graphql';

/** Page size when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 50;
/** The schema's hard ceiling on `first`/`last`; larger values are refused, never silently cut. */
export const MAX_PAGE_SIZE = 500;

/** Relay connection arguments, shared by every root connection. */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `Rows after \`after\` (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the row to start after (from a previous page of the same connection and ordering).' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Rows before \`before\` (paging backward; at most ${MAX_PAGE_SIZE}).` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the row to end before.' })
  before?: string | null;
}
