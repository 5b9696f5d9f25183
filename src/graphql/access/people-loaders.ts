import DataLoader from 'dataloader';
import type { PersonRow } from '../../db/schema/index.js';
import type { PersonIdentities } from '../../people/people.service.js';
import type { GraphQLContext } from '../context.js';

/** People's request-scoped DataLoaders (one set per request), for any field that resolves a person id to a Person. */
export interface PeopleLoaders {
  person: DataLoader<string, PersonRow | null>;
  identities: DataLoader<string, PersonIdentities>;
}

const perRequest = new WeakMap<GraphQLContext, PeopleLoaders>();

export function peopleLoaders(ctx: GraphQLContext): PeopleLoaders {
  let loaders = perRequest.get(ctx);
  if (!loaders) {
    const people = ctx.services.people;
    loaders = {
      person: new DataLoader(async (ids) => {
        const byId = new Map((await people.findPersonsByIds(ids)).map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
      identities: new DataLoader(async (ids) => {
        const byPerson = await people.identitiesOf(ids);
        return ids.map((id) => byPerson.get(id) ?? { apiKeys: [], sso: [] });
      }),
    };
    perRequest.set(ctx, loaders);
  }
  return loaders;
}
