/**
 * Runs one vendor simulator in its own process, so a benchmark measures the connector's memory without the
 * simulator's estate in the same heap. Prints `SIMULATOR_URL <url>` when listening; stops on SIGTERM.
 * Usage: node --import @swc-node/register/esm-register bench/lib/simulator-process.ts <vendor> '<json SimulatorOptions>'
 */
import { vendorSimulator } from '../../connectors/registry/simulators.js';
import type { Vendor } from '../../connectors/contract.js';

const [vendor, optionsJson] = process.argv.slice(2);
const handle = await vendorSimulator(vendor as Vendor).start(JSON.parse(optionsJson ?? '{}'));
process.stdout.write(`SIMULATOR_URL ${handle.url}\n`);
process.on('SIGTERM', () => {
  void handle.close().then(() => process.exit(0));
});
