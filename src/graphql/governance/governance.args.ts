import { ArgsType, Field, Int } from 'type-graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../relay/connection.args.js';
import { AuditEventFilterInput, ChangeRequestFilterInput, ControlRequestFilterInput } from './governance.input.js';

/** Forward-only Relay arguments: governance lists are newest first, and clients page from the top. */
@ArgsType()
class ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: `Rows after \`after\` (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the row to start after (from a previous page of the same connection).' })
  after?: string | null;
}

@ArgsType()
export class ChangeRequestsArgs extends ForwardPageArgs {
  @Field(() => ChangeRequestFilterInput, { nullable: true, description: 'Which requests.' })
  filter?: ChangeRequestFilterInput | null;
}

@ArgsType()
export class AuditEventsArgs extends ForwardPageArgs {
  @Field(() => AuditEventFilterInput, { nullable: true, description: 'Which events.' })
  filter?: AuditEventFilterInput | null;
}

@ArgsType()
export class ControlRequestsArgs extends ForwardPageArgs {
  @Field(() => ControlRequestFilterInput, { nullable: true, description: 'Which control requests.' })
  filter?: ControlRequestFilterInput | null;
}
