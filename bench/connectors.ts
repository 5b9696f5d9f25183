/**
 * bench/connectors: lists N models × 10 versions from each vendor simulator through its connector and prints
 * records/s and the connector process's peak RSS, at 10 000 and 100 000 versions: memory must not grow with the estate.
 * Each case runs in a fresh process (so RSS is the connector's alone) against a simulator in another process.
 *   node --import @swc-node/register/esm-register bench/connectors.ts [--vendors mlflow,sagemaker] [--small 1000] [--large 10000]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { VENDORS, type Vendor } from '../connectors/contract.js';
import { vendorModule } from '../connectors/registry/index.js';
import { vendorSimulator } from '../connectors/registry/simulators.js';
import { startChildSimulator, rssSampler } from './lib/child-simulator.js';

const VERSIONS_PER_MODEL = 10;
const CREDENTIAL = 'bench-credential';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

/** One case, in this process: list the whole estate and report. */
async function runCase(vendor: Vendor, models: number): Promise<void> {
  const simulator = await startChildSimulator(vendor, { seed: 1, models, versionsPerModel: VERSIONS_PER_MODEL, deployments: models * 2, credential: CREDENTIAL });
  try {
    const module = vendorModule(vendor);
    const { settings, secret } = vendorSimulator(vendor).sourceFor(simulator, CREDENTIAL);
    const connector = module.create(settings, secret, {});
    global.gc?.();
    const baseline = Math.round(process.memoryUsage().rss / 1024 / 1024);
    const sampler = rssSampler();
    const started = performance.now();
    let records = 0;
    let versions = 0;
    for await (const batch of connector.list(new AbortController().signal)) {
      records += batch.models.length + batch.versions.length + batch.deployments.length;
      versions += batch.versions.length;
    }
    const seconds = (performance.now() - started) / 1000;
    const peak = sampler.stop();
    process.stdout.write(`CASE ${JSON.stringify({ vendor, versions, records, seconds: Math.round(seconds * 10) / 10, recordsPerSecond: Math.round(records / seconds), baselineRssMb: baseline, peakRssMb: peak })}\n`);
  } finally {
    await simulator.close();
  }
}

async function main(): Promise<void> {
  const one = arg('one', '');
  if (one) return runCase(one as Vendor, Number(arg('models', '1000')));

  const vendors = arg('vendors', VENDORS.join(',')).split(',') as Vendor[];
  const sizes = [Number(arg('small', '1000')), Number(arg('large', '10000'))];
  const self = fileURLToPath(import.meta.url);
  const rows: Array<Record<string, number | string>> = [];
  for (const vendor of vendors) {
    for (const models of sizes) {
      const child = spawnSync(process.execPath, ['--expose-gc', '--import', '@swc-node/register/esm-register', self, '--one', vendor, '--models', String(models)], {
        encoding: 'utf8',
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        maxBuffer: 16 * 1024 * 1024,
      });
      const line = /CASE (.+)/.exec(child.stdout)?.[1];
      if (!line) {
        process.stderr.write(`${vendor} ${models}: failed\n${child.stderr}\n`);
        rows.push({ vendor, versions: models * VERSIONS_PER_MODEL, error: 'failed' });
        continue;
      }
      const result = JSON.parse(line) as Record<string, number | string>;
      rows.push(result);
      process.stderr.write(`${vendor.padEnd(10)} ${String(result.versions).padStart(7)} versions  ${String(result.recordsPerSecond).padStart(6)} records/s  peak RSS ${result.peakRssMb} MB\n`);
    }
  }
  console.log('\nbench/connectors — list N models × 10 versions through each connector (simulator in another process)');
  console.log('vendor      versions   records/s   seconds   peak RSS MB   RSS growth 10x estate');
  let pass = true;
  for (const vendor of vendors) {
    const [small, large] = rows.filter((r) => r.vendor === vendor);
    for (const r of [small, large]) {
      if (!r || r.error) continue;
      console.log(`${String(r.vendor).padEnd(11)} ${String(r.versions).padStart(8)}   ${String(r.recordsPerSecond).padStart(9)}   ${String(r.seconds).padStart(7)}   ${String(r.peakRssMb).padStart(11)}`);
    }
    if (small && large && !small.error && !large.error) {
      const growth = Number(large.peakRssMb) / Number(small.peakRssMb);
      const ok = growth <= 1.5;
      pass &&= ok;
      console.log(`${vendor.padEnd(11)} ${'peak RSS 100k / 10k versions'.padStart(45)}  ${growth.toFixed(2)}x  (target ≤ 1.5x: memory flat) ${ok ? 'PASS' : 'FAIL'}`);
    } else pass = false;
  }
  console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'connectors', pass, rows })}`);
}

await main();
