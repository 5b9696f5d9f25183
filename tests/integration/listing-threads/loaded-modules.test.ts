/**
 * What a worker loads to list: the connector registry and a listing thread load the connectors and none of the
 * simulators (about 3 000 lines each thread would otherwise parse and keep); only the simulator registry (demo, tests,
 * benchmarks) loads those. Each case runs in a fresh process or thread that records every module it loads.
 */
import { describe, expect, it } from 'vitest';
import { modulesLoadedByImport, modulesLoadedByThread } from '../../helpers/loaded-modules.js';

const SIMULATOR_MODULE = /(^|\/)simulator[^/]*\.ts$/;

describe('Loaded modules', () => {
  it('should load every vendor connector and no simulator with the connector registry', () => {
    const loaded = modulesLoadedByImport('connectors/registry/index.ts');

    expect(loaded).toEqual(expect.arrayContaining(['connectors/mlflow/index.ts', 'connectors/sagemaker/index.ts', 'connectors/datarobot/index.ts', 'connectors/domino/index.ts']));
    expect(loaded.filter((path) => SIMULATOR_MODULE.test(path))).toEqual([]);
  });

  it('should load no simulator in a listing thread, which lists every vendor', async () => {
    const loaded = await modulesLoadedByThread('src/listing-threads/listing-thread.ts');

    expect(loaded).toContain('connectors/registry/index.ts');
    expect(loaded.filter((path) => SIMULATOR_MODULE.test(path))).toEqual([]);
  });

  it('should load the simulators with the simulator registry (demo, tests, benchmarks)', () => {
    const loaded = modulesLoadedByImport('connectors/registry/simulators.ts');

    expect(loaded).toEqual(expect.arrayContaining(['connectors/mlflow/simulator.ts', 'connectors/sagemaker/simulator.ts', 'connectors/shared/simulator-kit.ts']));
  });
});
