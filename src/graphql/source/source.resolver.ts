import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import type { SyncRunRecord } from '../../inventory/queries/records.js';
import type { GraphQLContext } from '../context.js';
import { fromGlobalId } from '../../global-id.js';
import type { HubServices } from '../services.js';
import { Source } from '../inventory/source.type.js';
import { CreateSourceInput, UpdateSourceInput } from './source.input.js';
import { ConnectionCheck, DeleteSourcePayload, TriggerSyncPayload, UpdateSourcePayload } from './source-payloads.type.js';

const sourceId = (id: string) => fromGlobalId(id, 'Source').id;

/** Who is asking: the auth checker has already refused requests without a principal. */
function change(ctx: GraphQLContext) {
  return { actor: ctx.principal as Principal, requestId: ctx.requestId };
}

/** Connector configuration for IT operations (OPERATOR, ADMIN). Thin: SourceService validates, audits and schedules. */
@Resolver()
export class SourceMutationResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized('OPERATOR', 'ADMIN')
  @Mutation(() => Source, { description: 'Adds a source. Invalid fields come back as BAD_USER_INPUT with `extensions.problems` [{path, message}]; nothing is saved.' })
  async createSource(@Arg('input', () => CreateSourceInput) input: CreateSourceInput, @Ctx() ctx: GraphQLContext) {
    return this.services.sources.createSource({ ...input }, change(ctx));
  }

  @Authorized('OPERATOR', 'ADMIN')
  @Mutation(() => UpdateSourcePayload, {
    description:
      'Changes a source. Re-sending identical values (secret included) changes nothing. A change of where the credential is sent (trackingUri, endpoint, host, region) needs `secret` in the same input, else CREDENTIAL_REQUIRED naming the fields.',
  })
  async updateSource(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateSourceInput) input: UpdateSourceInput, @Ctx() ctx: GraphQLContext) {
    return this.services.sources.updateSource(sourceId(id), withoutUndefined(input), change(ctx));
  }

  @Authorized('OPERATOR', 'ADMIN')
  @Mutation(() => Source, { description: 'Starts or stops scheduled syncs of a source.' })
  async setSourceEnabled(@Arg('id', () => ID) id: string, @Arg('enabled') enabled: boolean, @Ctx() ctx: GraphQLContext) {
    return this.services.sources.setSourceEnabled(sourceId(id), enabled, change(ctx));
  }

  @Authorized('OPERATOR', 'ADMIN')
  @Mutation(() => DeleteSourcePayload, { description: 'Deletes a source: stops its schedule, erases its secret and keeps its inventory as tombstoned history.' })
  async deleteSource(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return this.services.sources.deleteSource(sourceId(id), change(ctx));
  }

  @Authorized('OPERATOR', 'ADMIN')
  @Mutation(() => ConnectionCheck, { description: "Runs the connector's reachability and credential check against the vendor (bounded by a timeout)." })
  async testSourceConnection(@Arg('id', () => ID) id: string): Promise<ConnectionCheck> {
    return this.services.sources.testSourceConnection(sourceId(id));
  }

  @Authorized('OPERATOR', 'ADMIN')
  @Mutation(() => TriggerSyncPayload, { description: 'Asks for a sync now; answers with the run already queued or running when there is one.' })
  async triggerSync(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<{ run: SyncRunRecord; alreadyRunning: boolean }> {
    return this.services.sync.triggerSync(sourceId(id), ctx.principal as Principal, ctx.requestId);
  }
}

/** type-graphql sets absent nullable input fields to undefined; keep explicit nulls (secret: null removes it). */
function withoutUndefined<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}
