import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import type { ApiKeyRow } from '../../db/schema/index.js';
import type { GraphQLContext } from '../context.js';
import { fromGlobalId, toGlobalId } from '../../global-id.js';
import type { HubServices } from '../services.js';
import { CreateApiKeyInput } from './api-key.input.js';
import { ApiKey, CreateApiKeyPayload } from './api-key.type.js';

const TYPE = 'ApiKey';

/** The API view of a key row: no hash, an opaque id. */
export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: toGlobalId(TYPE, row.id),
    name: row.name,
    prefix: row.prefix,
    roles: row.roles as ApiKey['roles'],
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    active: row.revokedAt === null && (row.expiresAt === null || row.expiresAt.getTime() > Date.now()),
  };
}

/** API key administration (ADMIN only). */
@Resolver()
export class ApiKeyResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized('ADMIN')
  @Query(() => [ApiKey], { description: 'Every API key, newest first, revoked and expired included.' })
  async apiKeys(): Promise<ApiKey[]> {
    return (await this.services.apiKeys.list()).map(toApiKey);
  }

  @Authorized('ADMIN')
  @Mutation(() => CreateApiKeyPayload, { description: 'Creates an API key and returns it once.' })
  async createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: GraphQLContext): Promise<CreateApiKeyPayload> {
    const { key, row } = await this.services.apiKeys.createApiKey({ name: input.name, roles: input.roles, expiresAt: input.expiresAt ?? null, createdBy: ctx.principal as Principal });
    return { key, apiKey: toApiKey(row) };
  }

  @Authorized('ADMIN')
  @Mutation(() => ApiKey, { description: 'Revokes an API key at once; requests with it are refused from now on.' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ApiKey> {
    return toApiKey(await this.services.apiKeys.revokeApiKey(fromGlobalId(id, TYPE).id, ctx.principal as Principal));
  }
}
