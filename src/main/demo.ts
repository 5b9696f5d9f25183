import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { vendorModules, type VendorModule } from '../../connectors/registry/index.js';
import { vendorSimulator } from '../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../connectors/shared/simulator-kit.js';
import { ROLES, systemPrincipal, type Role } from '../auth/principal.js';
import type { HubConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createHub, type Hub } from './app.js';
import { startHttpServer, type HttpServer } from './server.js';

/**
 * `hub demo`: the hub on its embedded default next to four simulated vendors on loopback, seeded with a realistic
 * estate (some versions already in production at the vendor without approval, so findings show), one source per
 * vendor, and keys printed. Each new source's first sync is its schedule's first run (at once, as for any new source);
 * the demo waits for those and prints their counts. A second start reuses the data folder and the same keys, and syncs
 * nothing until the sources' next interval.
 */
const DEMO_ESTATES: Record<string, { seed: number; models: number; versionsPerModel: number; deployments: number }> = {
  sagemaker: { seed: 11, models: 8, versionsPerModel: 3, deployments: 6 },
  mlflow: { seed: 22, models: 12, versionsPerModel: 4, deployments: 6 },
  datarobot: { seed: 33, models: 6, versionsPerModel: 3, deployments: 5 },
  domino: { seed: 44, models: 6, versionsPerModel: 2, deployments: 4 },
};
const DEMO_CREDENTIAL = 'demo-credential';
const DEMO_SCHEDULE_SECONDS = 300;

/** The example queries the demo prints (a test runs exactly these against a running demo). */
export const DEMO_QUERIES = [
  '{ models(first: 5) { totalCount edges { node { name vendor versions { version lifecycleState observedStage } } } } }',
  '{ findings(first: 10, filter: { open: true }) { totalCount edges { node { kind message } } } }',
  '{ inventoryStats(groupBy: [VENDOR, IN_PRODUCTION]) { vendor inProduction versionCount modelCount } }',
];

export async function startDemo(config: Readonly<HubConfig>, logger: Logger, io: { out: NodeJS.WritableStream; args: string[] }): Promise<{ close(): Promise<void> }> {
  // 0: any free ports (the URLs are printed, and a later start points the sources at the new ones).
  const basePort = Number(process.env.DEMO_SIMULATOR_BASE_PORT ?? 4101);
  const simulators: Array<{ module: VendorModule; handle: SimulatorHandle }> = [];
  let hub: Hub | null = null;
  let http: HttpServer | null = null;
  const close = async () => {
    await http?.close();
    await hub?.close();
    await Promise.all(simulators.map(({ handle }) => handle.close()));
  };
  try {
    io.out.write(`Starting the simulated vendors (${vendorModules.map((m) => m.label).join(', ')})…\n`);
    for (const [index, module] of vendorModules.entries()) {
      const handle = await vendorSimulator(module.vendor).start({ ...DEMO_ESTATES[module.vendor], port: basePort === 0 ? 0 : basePort + index, credential: DEMO_CREDENTIAL, productionShare: 0.4 });
      simulators.push({ module, handle });
    }

    hub = await createHub(config, logger);
    const actor = systemPrincipal('demo');
    const neverSynced: Array<{ module: VendorModule; sourceId: string }> = [];
    for (const { module, handle } of simulators) {
      const name = `demo-${module.vendor}`;
      const { settings, secret } = vendorSimulator(module.vendor).sourceFor(handle, DEMO_CREDENTIAL);
      const existing = await hub.services.sources.getSourceByName(name);
      // A restart on the same ports finds its sources as it left them.
      const source = !existing
        ? await hub.services.sources.createSource({ vendor: module.vendor, name, settings, secret, scheduleSeconds: DEMO_SCHEDULE_SECONDS, enabled: true }, { actor })
        : isDeepStrictEqual(existing.settings, settings)
          ? existing
          : (await hub.services.sources.updateSource(existing.id, { settings, secret }, { actor })).source;
      if (!source.lastRunAt) neverSynced.push({ module, sourceId: source.id });
    }

    const keys = await demoKeys(hub, config.dataDir);
    // The schedules run each new source's first sync at once; sources synced before wait for their next interval.
    [, http] = await Promise.all([hub.startWorkers(), startHttpServer(hub)]);
    if (neverSynced.length > 0) {
      io.out.write(`First sync of each simulated vendor (later ones every ${DEMO_SCHEDULE_SECONDS / 60} minutes):\n`);
      await reportFirstRuns(hub, neverSynced, io.out);
    }
    io.out.write(banner(http.url, keys, simulators));
    return { close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** Waits for the first run of each new source and prints its outcome as it finishes. */
async function reportFirstRuns(hub: Hub, sources: Array<{ module: VendorModule; sourceId: string }>, out: NodeJS.WritableStream): Promise<void> {
  const waiting = new Map(sources.map((s) => [s.sourceId, s.module]));
  while (waiting.size > 0) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const latest = await hub.services.inventory.syncRunsBySourceIds([...waiting.keys()], 1);
    for (const [run] of latest) {
      if (!run?.finishedAt) continue;
      const module = waiting.get(run.sourceId)!;
      waiting.delete(run.sourceId);
      const seconds = ((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1);
      out.write(`  ${module.label.padEnd(16)} ${run.status.padEnd(9)} ${run.created} new, ${run.updated} changed, ${run.unchanged} unchanged, ${run.failed} failed (${seconds} s)${run.error ? `: ${run.error}` : ''}\n`);
    }
  }
}

function banner(url: string, keys: Record<Role, string>, simulators: Array<{ module: VendorModule; handle: SimulatorHandle }>): string {
  const endpoint = `${url}/graphql`;
  return [
    '',
    'ModelOps hub demo is running.',
    `  Console: ${url}/   (sign in with a key below)`,
    `  GraphQL: ${endpoint}   (GraphiQL when opened in a browser)`,
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
  ].join('\n');
}

/** One key per role, created on the first start and remembered (0600) in the data folder for later starts. */
async function demoKeys(hub: Hub, dataDir: string): Promise<Record<Role, string>> {
  const path = join(dataDir, 'demo-keys.json');
  if (existsSync(path)) {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as Record<Role, string>;
    const valid = await Promise.all(ROLES.map((role) => hub.services.apiKeys.verify(stored[role]).then(() => true, () => false)));
    if (valid.every(Boolean)) return stored;
  }
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) {
    // One demo person per role, so the demo's approvals are between different people.
    const email = `demo-${role.toLowerCase()}@demo.example`;
    const actor = systemPrincipal('demo');
    const person = (await hub.services.people.findPersonByEmail(email)) ?? (await hub.services.people.createPerson({ email, displayName: `Demo ${role.toLowerCase().replace('_', ' ')}`, roles: [role] }, actor));
    const { key } = await hub.services.apiKeys.createApiKey({ name: `demo-${role.toLowerCase()}`, roles: [role], personId: person.id, createdBy: actor });
    keys[role] = key;
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
