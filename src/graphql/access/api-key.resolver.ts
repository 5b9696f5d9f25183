import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import type { ApiKeyRecord } from '../../auth/api-key-record.js';
import type { PersonRecord } from '../../people/person-record.js';
import type { GraphQLContext } from '../context.js';
import { fromGlobalId, toGlobalId } from '../../global-id.js';
import type { HubServices } from '../services.js';
import { CreateApiKeyInput } from './api-key.input.js';
import { ApiKey, CreateApiKeyPayload } from './api-key.type.js';
import { READ_ROLES } from '../auth-checker.js';
import { Person } from './person.type.js';

const TYPE = 'ApiKey';

/** A key as the API shows it: the service's read model, under an opaque id. */
export function toApiKey(record: ApiKeyRecord): ApiKey {
  return { ...record, id: toGlobalId(TYPE, record.id) };
}

/** API keys: an ADMIN lists them all; a person mints and revokes their own (an ADMIN anyone's). */
@Resolver()
export class ApiKeyResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized('ADMIN')
  @Query(() => [ApiKey], { description: 'Every API key, newest first, revoked and expired included.' })
  async apiKeys(): Promise<ApiKey[]> {
    return (await this.services.apiKeys.list()).map(toApiKey);
  }

  @Authorized(...READ_ROLES)
  @Mutation(() => CreateApiKeyPayload, {
    description:
      'Creates an API key for a person and returns it once. Anyone may create keys for themselves; only an ADMIN for someone else. ' +
      'The key carries roles both the person and the caller hold (ROLE_NOT_HELD otherwise).',
  })
  async createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: GraphQLContext): Promise<CreateApiKeyPayload> {
    const personId = fromGlobalId(input.personId, 'Person').id;
    const { key, apiKey } = await this.services.apiKeys.createApiKey({ name: input.name, roles: input.roles, personId, expiresAt: input.expiresAt ?? null, biServiceAccount: input.biServiceAccount ?? false, createdBy: ctx.principal as Principal });
    return { key, apiKey: toApiKey(apiKey) };
  }

  @Authorized(...READ_ROLES)
  @Mutation(() => ApiKey, { description: 'Revokes an API key at once; requests with it are refused from now on. ADMIN, or the person the key belongs to.' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ApiKey> {
    return toApiKey(await this.services.apiKeys.revokeApiKey(fromGlobalId(id, TYPE).id, ctx.principal as Principal));
  }
}

/** Who a key acts for. Whoever may see the key (an ADMIN, or the person) may see its person. */
@Resolver(() => ApiKey)
export class ApiKeyPersonResolver {
  @FieldResolver(() => Person, { description: 'The person the key acts for; its name is only a label.' })
  async person(@Root() key: ApiKey, @Ctx() ctx: GraphQLContext): Promise<PersonRecord> {
    return (await ctx.loaders.person.load(key.personId))!;
  }
}
