import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import type { GraphQLContext } from '../context.js';
import { PrincipalType } from './me.type.js';

/** The caller's own identity: any authenticated request may ask, with or without roles. */
@Resolver()
export class MeResolver {
  @Authorized()
  @Query(() => PrincipalType, { description: 'Who I am: the identity and roles this request was authenticated with.' })
  me(@Ctx() ctx: GraphQLContext): PrincipalType {
    const principal = ctx.principal as Principal;
    return { id: principal.id, displayName: principal.displayName, roles: principal.roles, credential: principal.kind === 'jwt' ? 'SSO' : 'API_KEY' };
  }
}
