import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vendorModules, type VendorModule } from '../../connectors/registry.js';
import type { SimulatorHandle } from '../../connectors/shared/simulator-kit.js';
import { ROLES, systemPrincipal, type Role } from '../auth/principal.js';
import type { HubConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createHub } from './app.js';
import { startHttpServer } from './server.js';

/**
 * `hub demo`: the hub on its embedded default next to four simulated vendors on loopback, seeded with a realistic
 * estate (some versions already in production at the vendor without approval, so findings show), one source per
 * vendor, the first syncs run, and keys printed. A second start reuses the data folder and the same keys.
 */
const DEMO_ESTATES: Record<string, { seed: number; models: number; versionsPerModel: number; deployments: number }> = {
  sagemaker: { seed: 11, models: 8, versionsPerModel: 3, deployments: 6 },
  mlflow: { seed: 22, models: 12, versionsPerModel: 4, deployments: 6 },
  datarobot: { seed: 33, models: 6, versionsPerModel: 3, deployments: 5 },
  domino: { seed: 44, models: 6, versionsPerModel: 2, deployments: 4 },
};
const DEMO_CREDENTIAL = 'demo-credential';

/** The example queries the demo prints (a test runs exactly these against a running demo). */
export const DEMO_QUERIES = [
  '{ models(first: 5) { totalCount edges { node { name vendor versions { version lifecycleState observedStage } } } } }',
  '{ findings(first: 10, filter: { open: true }) { totalCount edges { node { kind message } } } }',
  '{ inventoryStats(groupBy: [VENDOR, IN_PRODUCTION]) { vendor inProduction versionCount modelCount } }',
];

export async function startDemo(config: Readonly<HubConfig>, logger: Logger, io: { out: NodeJS.WritableStream; args: string[] }): Promise<{ close(): Promise<void> }> {
  const basePort = Number(process.env.DEMO_SIMULATOR_BASE_PORT ?? 4101);
  const simulators: Array<{ module: VendorModule; handle: SimulatorHandle }> = [];
  for (const [index, module] of vendorModules.entries()) {
    const handle = await module.startSimulator({ ...DEMO_ESTATES[module.vendor], port: basePort + index, credential: DEMO_CREDENTIAL, productionShare: 0.4 });
    simulators.push({ module, handle });
  }

  const hub = await createHub(config, logger);
  const actor = systemPrincipal('demo');
  for (const { module, handle } of simulators) {
    const name = `demo-${module.vendor}`;
    const { settings, secret } = module.simulatorSource(handle, DEMO_CREDENTIAL);
    const existing = await hub.services.sources.getSourceByName(name);
    if (existing) await hub.services.sources.updateSource(existing.id, { settings, secret }, { actor });
    else await hub.services.sources.createSource({ vendor: module.vendor, name, settings, secret, scheduleSeconds: 300, enabled: true }, { actor });
  }

  io.out.write('Syncing the four simulated vendors…\n');
  for (const { module } of simulators) {
    const source = await hub.services.sources.getSourceByName(`demo-${module.vendor}`);
    const result = await hub.services.sync.runJob({ sourceId: source!.id, trigger: 'manual' });
    if (result.status === 'ran') {
      const r = result.run;
      io.out.write(`  ${module.label.padEnd(16)} ${r.status.padEnd(9)} ${r.created} new, ${r.updated} changed, ${r.unchanged} unchanged, ${r.failed} failed\n`);
    }
  }

  const keys = await demoKeys(hub, config.dataDir);
  await hub.startWorkers();
  const http = await startHttpServer(hub);
  const endpoint = `${http.url}/graphql`;
  io.out.write(
    [
      '',
      `ModelOps hub demo is running: ${endpoint}`,
      '',
      'API keys (demo only; kept in the data folder so a restart shows the same ones):',
      ...ROLES.map((role) => `  ${role.padEnd(15)} ${keys[role]}`),
      '',
      'Try:',
      ...DEMO_QUERIES.flatMap((query) => [
        `  curl -s ${endpoint} -H 'authorization: Bearer ${keys.VIEWER}' -H 'content-type: application/json' \\`,
        `    -d '${JSON.stringify({ query })}'`,
      ]),
      '',
      'Simulated vendors (control API under /__sim/): ' + simulators.map(({ module, handle }) => `${module.vendor} ${handle.url}`).join(', '),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  return {
    async close() {
      await http.close();
      await hub.close();
      await Promise.all(simulators.map(({ handle }) => handle.close()));
    },
  };
}

/** One key per role, created on the first start and remembered (0600) in the data folder for later starts. */
async function demoKeys(hub: Awaited<ReturnType<typeof createHub>>, dataDir: string): Promise<Record<Role, string>> {
  const path = join(dataDir, 'demo-keys.json');
  if (existsSync(path)) {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as Record<Role, string>;
    const valid = await Promise.all(ROLES.map((role) => hub.services.apiKeys.verify(stored[role]).then(() => true, () => false)));
    if (valid.every(Boolean)) return stored;
  }
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) {
    const { key } = await hub.services.apiKeys.createApiKey({ name: `demo-${role.toLowerCase()}`, roles: [role], createdBy: systemPrincipal('demo') });
    keys[role] = key;
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
