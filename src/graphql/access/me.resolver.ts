import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { HubServices } from '../services.js';
import type { Principal } from '../../auth/principal.js';
import type { GraphQLContext } from '../context.js';
import { PrincipalType } from './me.type.js';

/** The caller's own identity: any authenticated request may ask, with or without roles. */
@Resolver()
export class MeResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized()
  @Query(() => PrincipalType, { description: 'Who I am: the identity and roles this request was authenticated with.' })
  async me(@Ctx() ctx: GraphQLContext): Promise<PrincipalType> {
    const principal = ctx.principal as Principal;
    const person = principal.personId ? await this.services.people.findPersonById(principal.personId) : null;
    return { id: principal.id, displayName: principal.displayName, roles: principal.roles, credential: principal.kind === 'jwt' ? 'SSO' : 'API_KEY', person };
  }
}
