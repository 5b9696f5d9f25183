import { describe, expect, it } from 'vitest';
import { buildTypeGraphQLSchema } from '../../../src/graphql/build-schema.js';
import { directFieldResolvers } from '../../../src/graphql/direct-field-resolvers.js';
import { resolvers } from '../../../src/graphql/resolvers.js';
import type { HubServices } from '../../../src/graphql/services.js';

describe('directFieldResolvers', () => {
  it('should call plain relation resolvers directly and leave guarded ones to type-graphql', async () => {
    await buildTypeGraphQLSchema({} as HubServices);
    const calls: unknown[][] = [];
    const direct = directFieldResolvers(resolvers, () => ({ versions: (...args: unknown[]) => calls.push(args) && 'versions', source: () => 'source' }));
    expect(Object.keys(direct.Model)).toEqual(expect.arrayContaining(['versions', 'source']));
    // @Authorized(...PEOPLE_READERS): the auth check must stay.
    expect(direct.Model.accountableOwnerPerson).toBeUndefined();
    const root = { id: 'm1' };
    const context = { loaders: {} };
    expect(direct.Model.versions(root, {}, context, {} as never)).toBe('versions');
    expect(calls).toEqual([[root, context]]);
  });
});
