import { describe, expect, it } from 'vitest';
import { createRequestLoaders } from '../../../src/graphql/loaders.js';
import { PrimableLoader } from '../../../src/graphql/primable-loader.js';
import type { HubServices } from '../../../src/graphql/services.js';

describe('PrimableLoader', () => {
  const counting = () => {
    const batches: string[][] = [];
    const loader = new PrimableLoader<string, string>(async (keys) => {
      batches.push([...keys]);
      return keys.map((key) => `loaded:${key}`);
    });
    return { loader, batches };
  };

  it('should read a primed value at once, without a query', async () => {
    const { loader, batches } = counting();
    loader.prime('a', 'primed:a');
    expect(loader.read('a')).toBe('primed:a');
    await expect(loader.load('a')).resolves.toBe('primed:a');
    expect(batches).toEqual([]);
  });

  it('should batch what was not primed, and cache it for the request', async () => {
    const { loader, batches } = counting();
    loader.prime('a', 'primed:a');
    const [b, c] = await Promise.all([loader.read('b'), loader.read('c')]);
    expect([b, c]).toEqual(['loaded:b', 'loaded:c']);
    await loader.load('b');
    expect(batches).toEqual([['b', 'c']]);
  });

  it('should keep the first primed value, and forget it when cleared', async () => {
    const { loader } = counting();
    loader.prime('a', 'first').prime('a', 'second');
    expect(loader.read('a')).toBe('first');
    loader.clear('a');
    await expect(loader.read('a')).resolves.toBe('loaded:a');
  });
});

describe('createRequestLoaders', () => {
  it('should compose every module part into one flat set of loaders, fresh per request', () => {
    const services = {} as HubServices;
    const loaders = createRequestLoaders(services);
    for (const name of ['model', 'versionsByModel', 'deploymentsByVersion', 'changeRequest', 'writeBackByRequest', 'person', 'identitiesOfPerson'] as const) {
      expect(typeof loaders[name].load).toBe('function');
    }
    expect(createRequestLoaders(services).model).not.toBe(loaders.model);
  });
});
