/**
 * With ALLOW_PRIVATE_SOURCE_URLS=false the hub checks a source's URL when it is saved, but a host name can resolve
 * elsewhere by the time a connector connects (DNS rebinding). Every connector built with `blockPrivateAddresses`
 * checks the addresses it actually connects to. Here the simulators are reached through `localhost`, a name that
 * resolves to a loopback address, as a rebound name would: nothing may reach the vendor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, VENDORS, type Vendor } from '../../../connectors/contract.js';
import { vendorModule } from '../../../connectors/registry/index.js';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { createLogger } from '../../../src/logger.js';
import { ListingThreadPool } from '../../../src/listing-threads/listing-pool.js';
import { collectListing, failureOf } from '../../helpers/listing.js';

const CREDENTIAL = 'guard-credential';
const ESTATE = { seed: 3, models: 3, versionsPerModel: 2, deployments: 2, credential: CREDENTIAL };
const RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
const simulators = new Map<Vendor, SimulatorHandle>();

beforeAll(async () => {
  for (const vendor of VENDORS) simulators.set(vendor, await vendorSimulator(vendor).start(ESTATE));
});
afterAll(async () => {
  await Promise.all([...simulators.values()].map((s) => s.close()));
});

/** The vendor's source settings with the simulator reached by host name instead of its loopback address. */
function byHostName(vendor: Vendor) {
  const simulator = simulators.get(vendor)!;
  return vendorSimulator(vendor).sourceFor({ ...simulator, url: simulator.url.replace('127.0.0.1', 'localhost') }, CREDENTIAL);
}

describe.each(VENDORS)('%s connector with blockPrivateAddresses', (vendor) => {
  it('should refuse to connect to a host name that resolves to a loopback address, at once and saying why', async () => {
    const simulator = simulators.get(vendor)!;
    simulator.faults.reset();
    const { settings, secret } = byHostName(vendor);
    const guarded = vendorModule(vendor).create(settings, secret, { blockPrivateAddresses: true, retry: RETRY });

    const error = await failureOf(guarded.list(new AbortController().signal));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toMatch(/host localhost resolved to (127\.0\.0\.1|::1), a private, loopback or link-local address/);
    expect(await guarded.check(new AbortController().signal)).toMatchObject({ ok: false });
    expect(simulator.faults.requestCount).toBe(0);

    // The same settings without the guard reach the vendor: the refusal was the policy, not the name.
    const open = vendorModule(vendor).create(settings, secret, { retry: RETRY });
    expect((await collectListing(open.list(new AbortController().signal))).models).toHaveLength(ESTATE.models);
  });
});

describe('a listing thread', () => {
  const pool = new ListingThreadPool(1, createLogger('silent'));
  afterAll(() => pool.close());

  it('should list under the same guard as the hub asked for', async () => {
    const { settings, secret } = byHostName('mlflow');
    const error = await failureOf(pool.list({ vendor: 'mlflow', settings, secret, options: { retry: RETRY, blockPrivateAddresses: true } }, {}, new AbortController().signal));
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as Error).message).toMatch(/resolved to .*not allow/);
  });
});
