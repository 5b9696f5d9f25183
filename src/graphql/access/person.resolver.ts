import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Principal, Role } from '../../auth/principal.js';
import { InputError, NotAllowedError } from '../../errors.js';
import { fromGlobalId } from '../../global-id.js';
import type { GraphQLContext } from '../context.js';
import { ConnectionType, toConnection, toPageRequest, type ConnectionResult } from '../relay/connection.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type ConnectionArgs } from '../relay/connection.args.js';
import { registerNodeResolver } from '../relay/node-registry.js';
import type { PersonRecord } from '../../people/person-record.js';
import type { HubServices } from '../services.js';
import { toApiKey } from './api-key.resolver.js';
import { CreatePersonInput, LinkIdentityInput, UpdatePersonInput } from './person.input.js';
import { Person, PersonIdentities } from './person.type.js';

const TYPE = 'Person';
/** Who may read people other than themselves: ADMIN administers them, RISK_OFFICER reviews who holds what. */
export const PEOPLE_READERS: readonly Role[] = ['ADMIN', 'RISK_OFFICER'];
const PEOPLE_SCOPE = 'people:EMAIL:ASC';

registerNodeResolver(TYPE, (ids, ctx) => ctx.loaders.person.loadMany(ids).then((rows) => rows.map((row) => (row instanceof Error ? null : row))), PEOPLE_READERS);

export const PersonConnection = ConnectionType(Person, 'Person', 'person');

@ArgsType()
class PeopleArgs {
  @Field(() => Int, { nullable: true, description: `Rows after \`after\` (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the row to start after (from a previous page).' })
  after?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only active (true) or only deactivated (false) people; both when absent.' })
  active?: boolean | null;
}

const personId = (globalId: string) => fromGlobalId(globalId, TYPE).id;

/** People administration (ADMIN), people review (RISK_OFFICER), and a person's credentials. */
@Resolver(() => Person)
export class PersonResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...PEOPLE_READERS)
  @Query(() => PersonConnection, { description: 'Everyone who acts in the hub, ordered by email.' })
  async people(@Args() args: PeopleArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionResult<PersonRecord>> {
    const request = toPageRequest({ first: args.first, after: args.after } as ConnectionArgs, PEOPLE_SCOPE, ctx.maxPageSize);
    const after = request.boundary ? { email: request.boundary.keys[0] ?? '', id: request.boundary.id } : null;
    if (request.boundary && request.boundary.keys.length !== 1) throw new InputError('Invalid cursor: malformed');
    const page = await this.services.people.listPeople({ first: request.size, after }, { active: args.active });
    return toConnection(
      {
        items: page.items.map((record) => ({ record, position: { keys: [record.email.toLowerCase()], id: record.id } })),
        hasNextPage: page.hasNextPage,
        hasPreviousPage: after !== null,
        totalCount: async () => page.totalCount,
      },
      PEOPLE_SCOPE,
    );
  }

  @Authorized('ADMIN')
  @Mutation(() => Person, { description: 'Creates a person. Granting VALIDATOR, RISK_OFFICER or ADMIN needs a role-grant request (FOUR_EYES_REQUIRED).' })
  createPerson(@Arg('input', () => CreatePersonInput) input: CreatePersonInput, @Ctx() ctx: GraphQLContext): Promise<PersonRecord> {
    return this.services.people.createPerson(input, ctx.principal as Principal);
  }

  @Authorized('ADMIN')
  @Mutation(() => Person, { description: 'Changes a person’s email, name or roles. Nobody grants themselves a role (SELF_GRANT).' })
  updatePerson(@Arg('id', () => ID) id: string, @Arg('input', () => UpdatePersonInput) input: UpdatePersonInput, @Ctx() ctx: GraphQLContext): Promise<PersonRecord> {
    return this.services.people.updatePerson(personId(id), input, ctx.principal as Principal);
  }

  @Authorized('ADMIN')
  @Mutation(() => Person, { description: 'Deactivates a person: all of their API keys are revoked and SSO sign-ins disabled at once.' })
  deactivatePerson(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<PersonRecord> {
    return this.services.people.deactivatePerson(personId(id), ctx.principal as Principal);
  }

  @Authorized('ADMIN')
  @Mutation(() => Person, { description: 'Links an SSO sign-in (issuer + subject) to a person; returns the person.' })
  async linkIdentity(@Arg('input', () => LinkIdentityInput) input: LinkIdentityInput, @Ctx() ctx: GraphQLContext): Promise<PersonRecord> {
    const id = personId(input.personId);
    await this.services.people.linkIdentity(id, { issuer: input.issuer, subject: input.subject }, ctx.principal as Principal);
    return (await this.services.people.findPersonById(id))!;
  }

  @FieldResolver(() => PersonIdentities, { description: 'The person’s API keys and SSO sign-ins (ADMIN, RISK_OFFICER, or the person themselves).' })
  async identities(@Root() person: PersonRecord, @Ctx() ctx: GraphQLContext): Promise<PersonIdentities> {
    const caller = ctx.principal;
    const allowed = caller && (caller.personId === person.id || PEOPLE_READERS.some((role) => caller.roles.includes(role)));
    if (!allowed) throw new NotAllowedError(`Requires one of the roles: ${PEOPLE_READERS.join(', ')} (or being the person)`, 'FORBIDDEN', { requiredRoles: [...PEOPLE_READERS] });
    const { apiKeys, sso } = await ctx.loaders.identitiesOfPerson.load(person.id);
    return {
      apiKeys: apiKeys.map(toApiKey),
      sso,
    };
  }
}
