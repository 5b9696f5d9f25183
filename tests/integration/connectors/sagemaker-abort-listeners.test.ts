/**
 * Abort listeners of a SageMaker listing. The AWS SDK adds a listener to the abort signal each call is given (and its
 * retry strategy another while it waits), so calls sharing the run's signal pile their listeners up on it, and past
 * ten Node prints `MaxListenersExceededWarning` on every sync. The listing runs here at 16 calls in flight against a
 * slow simulator, where a shared signal would carry well over ten listeners at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SageMakerApi } from '../../../connectors/sagemaker/client.js';
import { listSageMakerEstate } from '../../../connectors/sagemaker/listing.js';
import { collectListing } from '../../helpers/listing.js';
import { FAST, closeRunning, expected, ids, simulator } from './sagemaker-fixture.js';
import { compileEnvironmentRule } from '../../../connectors/shared/environment.js';

afterEach(closeRunning);

/** Warnings the process emits while `work` runs (the 'warning' event, which is what Node prints on stderr). */
async function warningsDuring<T>(work: () => Promise<T>): Promise<{ result: T; warnings: Error[] }> {
  const warnings: Error[] = [];
  const collect = (warning: Error) => warnings.push(warning);
  process.on('warning', collect);
  try {
    const result = await work();
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    return { result, warnings };
  } finally {
    process.off('warning', collect);
  }
}

describe('listSageMakerEstate', () => {
  it('should list a large estate with many calls in flight without a MaxListenersExceededWarning', async () => {
    const sim = await simulator({ models: 120, versionsPerModel: 4, deployments: 160 });
    sim.faults.set({ latencyMs: 40 });
    const api = new SageMakerApi({ region: 'us-east-1', endpoint: sim.url }, { accessKeyId: 'sim-credential', secretAccessKey: 'simulator-secret' }, FAST);
    const options = { region: 'us-east-1', pageSize: 100, concurrency: 16, groupsAhead: 8, flushVersions: 1_000, cacheEntries: 512, classifyEnvironment: compileEnvironmentRule(undefined) };

    const { result: listing, warnings } = await warningsDuring(() => collectListing(listSageMakerEstate(api, options, new AbortController().signal)));
    api.destroy();

    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
    expect(ids(listing.versions)).toEqual(expected(sim).versions);
    expect(ids(listing.deployments)).toEqual(expected(sim).deployments);
  }, 120_000);
});
