import DataLoader from 'dataloader';
import type { PersonIdentities, PersonRecord } from '../../people/person-record.js';
import type { HubServices } from '../services.js';

/** People's part of the request loaders, for any field that resolves a person id to a Person. */
export interface PeopleLoaders {
  person: DataLoader<string, PersonRecord | null>;
  identitiesOfPerson: DataLoader<string, PersonIdentities>;
}

export function createPeopleLoaders(services: HubServices): PeopleLoaders {
  return {
    person: new DataLoader(async (ids) => {
      const byId = new Map((await services.people.findPersonsByIds(ids)).map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    identitiesOfPerson: new DataLoader(async (ids) => {
      const byPerson = await services.people.identitiesOf(ids);
      return ids.map((id) => byPerson.get(id) ?? { apiKeys: [], sso: [] });
    }),
  };
}
