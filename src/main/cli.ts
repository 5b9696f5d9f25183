#!/usr/bin/env node
import 'reflect-metadata';
import { loadConfigOrExit, type HubConfig } from '../config.js';
import { createLogger, textLines, type Logger } from '../logger.js';
import { withLocalSecretKey } from './local-key.js';
import { applyMemoryPolicy } from './memory-policy.js';
import type { HttpServer } from './server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
applyMemoryPolicy();

/**
 * The `hub` command. Each subcommand is a composition root: it reads the config once, wires what it needs, and
 * shuts down cleanly on SIGTERM/SIGINT. Add a subcommand by adding an entry to COMMANDS.
 *
 * Two kinds: commands that run the hub on its storage (they read the config and, on the embedded default, lock the
 * data folder), and HTTP clients of a running hub (HUB_URL, HUB_API_KEY) that read neither, create no data folder
 * and load none of the hub. The hub's modules are imported when a command needs them.
 */
type HubCommand = (args: string[], config: Readonly<HubConfig>, logger: Logger) => Promise<number | 'running'>;
type Command = (args: string[]) => Promise<number | 'running'>;

/**
 * A command that runs the hub itself: the validated config, the local secret key of the embedded default, and a
 * logger that writes JSON lines for a service and readable lines on a terminal (LOG_FORMAT decides when set).
 */
function onHub(command: HubCommand): Command {
  return (args) => {
    const config = withLocalSecretKey(loadConfigOrExit());
    const text = (config.log.format ?? (process.stdout.isTTY ? 'text' : 'json')) === 'text';
    return command(args, config, createLogger(config.log.level, text ? textLines(process.stdout) : undefined));
  };
}

const COMMANDS: Record<string, { summary: string; run: Command }> = {
  start: { summary: 'API and job workers in one process (the default for npm start)', run: onHub((_a, c, l) => runServer(c, l, { http: true, workers: true })) },
  serve: { summary: 'GraphQL API, /healthz, /readyz, /metrics (stateless; scale horizontally)', run: onHub((_a, c, l) => runServer(c, l, { http: true, workers: false })) },
  worker: { summary: 'sync and write-back job workers (scale horizontally; needs REDIS_URL to share work)', run: onHub((_a, c, l) => runServer(c, l, { http: false, workers: true })) },
  migrate: { summary: 'apply database migrations and exit', run: onHub(runMigrate) },
  sync: { summary: 'sync <source-name>: run one sync in the foreground and print its summary', run: onHub(runSync) },
  keys: { summary: 'keys create --role R --name N | keys list: manage API keys', run: onHub(runKeys) },
  audit: { summary: 'audit verify [--checkpoints DIR] [--public-key FILE] | audit public-key | audit replay [--json]: check the audit chain and the state against it', run: onHub(runAudit) },
  sources: { summary: 'sources apply -f sources.yaml [--dry-run]: declarative source configuration (via HUB_URL, HUB_API_KEY)', run: runSources },
  status: { summary: 'one-screen summary for IT ops, from the GraphQL API (HUB_URL, HUB_API_KEY)', run: runStatus },
  demo: { summary: 'the hub on the embedded default with four simulated vendors, seeded and synced', run: onHub(runDemo) },
};

async function main(argv: string[]): Promise<number | 'running'> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`Usage: hub <command> [args]\n\n${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(8)} ${c.summary}`).join('\n')}\n`);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`hub: unknown command "${name}". Run "hub --help".\n`);
    return 2;
  }
  return command.run(args);
}

async function runServer(config: Readonly<HubConfig>, logger: Logger, parts: { http: boolean; workers: boolean }): Promise<'running'> {
  const [{ createHub }, { startHttpServer }] = await Promise.all([import('./app.js'), import('./server.js')]);
  const hub = await createHub(config, logger);
  let http: HttpServer | null = null;
  const created = await hub.services.apiKeys.ensureBootstrapAdmin(config.auth.bootstrapAdminKey);
  if (created) {
    process.stdout.write(`\nNo ADMIN API key existed, so one was created. It is shown only this once:\n\n  ${created.key}\n\nUse it as "Authorization: Bearer <key>".\n\n`);
  }
  // Together: the listing threads load the connectors on other cores while this thread builds the GraphQL schema.
  [, http] = await Promise.all([parts.workers ? hub.startWorkers() : null, parts.http ? startHttpServer(hub) : null]);
  onShutdown(logger, async () => {
    await http?.close();
    await hub.close();
  });
  return 'running';
}

async function runMigrate(_args: string[], config: Readonly<HubConfig>, logger: Logger): Promise<number> {
  const [{ openDatabase }, { migrate }] = await Promise.all([import('../db/client.js'), import('../db/migrate.js')]);
  const database = await openDatabase(config.database, logger);
  try {
    await migrate(database, logger, config.databaseOwner);
    logger.info({ database: database.kind, leastPrivilege: config.databaseOwner !== null }, 'migrations applied');
    return 0;
  } finally {
    await database.close();
  }
}

async function runAuditReplay(args: string[], config: Readonly<HubConfig>, logger: Logger): Promise<number> {
  const [{ auditReplayCommand }, { openDatabase }, { StateReplayService }] = await Promise.all([
    import('./commands/audit-replay.js'),
    import('../db/client.js'),
    import('../audit/state-replay.service.js'),
  ]);
  // Reads only: no migration, no workers; the runtime role suffices.
  const database = await openDatabase(config.database, logger);
  try {
    return await auditReplayCommand(args.slice(1), { replay: new StateReplayService({ db: database.db }), out: process.stdout, err: process.stderr });
  } finally {
    await database.close();
  }
}

async function runSync(args: string[], config: Readonly<HubConfig>, logger: Logger): Promise<number> {
  const name = args[0];
  if (!name) {
    process.stderr.write('usage: hub sync <source-name>\n');
    return 2;
  }
  const { createHub } = await import('./app.js');
  const hub = await createHub(config, logger);
  try {
    const source = await hub.services.sources.getSourceByName(name);
    if (!source) {
      process.stderr.write(`hub sync: no source named "${name}"\n`);
      return 2;
    }
    const started = Date.now();
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort(new Error('interrupted')));
    const result = await hub.services.sync.runJob({
      sourceId: source.id,
      trigger: 'manual',
      signal: controller.signal,
      onProgress: (c) => {
        const rate = Math.round(c.seen / Math.max(0.001, (Date.now() - started) / 1000));
        process.stderr.write(`\r  pages ${c.pages}  records ${c.seen}  (+${c.created} new, ${c.updated} changed, ${c.failed} failed)  ${rate}/s   `);
      },
    });
    process.stderr.write('\n');
    if (result.status === 'skipped') {
      process.stdout.write(`Source "${name}" already has a run in progress (${result.active.id}, ${result.active.status}).\n`);
      return 3;
    }
    const r = result.run;
    process.stdout.write(
      [
        `Sync of "${name}" ${r.status} in ${((Date.now() - started) / 1000).toFixed(1)} s (run ${r.id})`,
        `  seen ${r.seen}  created ${r.created}  updated ${r.updated}  unchanged ${r.unchanged}  deleted ${r.deleted}  failed ${r.failed}  pages ${r.pages}`,
        r.deletionGuard ? `  deletions: ${String((r.deletionGuard as { decision?: string }).decision)} — ${String((r.deletionGuard as { reason?: string }).reason ?? '')}` : '',
        r.error ? `  error: ${r.error}` : '',
        ...r.recordErrors.slice(0, 10).map((e) => `  record error: ${e.kind} ${e.externalId}: ${e.reason}`),
      ]
        .filter(Boolean)
        .join('\n') + '\n',
    );
    return r.status === 'FAILED' ? 1 : 0;
  } finally {
    await hub.close();
  }
}

async function runKeys(args: string[], config: Readonly<HubConfig>, logger: Logger): Promise<number> {
  const [{ keysCommand }, { createHub }] = await Promise.all([import('./commands/keys.js'), import('./app.js')]);
  const hub = await createHub(config, logger);
  try {
    return await keysCommand(args, { apiKeys: hub.services.apiKeys, people: hub.services.people, out: process.stdout });
  } finally {
    await hub.close();
  }
}

/** Opens the database only for `verify`, and never migrates it: it may be a restored dump under examination. */
async function runAudit(args: string[], config: Readonly<HubConfig>, logger: Logger): Promise<number> {
  if (args[0] === 'replay') return runAuditReplay(args, config, logger);
  const [{ auditCommand }, { openDatabase }] = await Promise.all([import('./commands/audit.js'), import('../db/client.js')]);
  let database: Awaited<ReturnType<typeof openDatabase>> | null = null;
  try {
    return await auditCommand(args, {
      config,
      out: process.stdout,
      db: async () => {
        database = await openDatabase(config.database, logger);
        return database.db;
      },
    });
  } finally {
    await (database as Awaited<ReturnType<typeof openDatabase>> | null)?.close();
  }
}

async function runSources(args: string[]): Promise<number> {
  const { sourcesCommand } = await import('./commands/sources.js');
  return sourcesCommand(args, { env: process.env, out: process.stdout });
}

async function runStatus(args: string[]): Promise<number> {
  const { statusCommand } = await import('./commands/status.js');
  return statusCommand(args, { env: process.env, out: process.stdout });
}

async function runDemo(args: string[], config: Readonly<HubConfig>, logger: Logger): Promise<'running'> {
  const { startDemo } = await import('./demo.js');
  const demo = await startDemo(config, logger, { out: process.stdout, args });
  onShutdown(logger, () => demo.close());
  return 'running';
}

/** SIGTERM/SIGINT: stop taking work, finish or hand back what runs, close connections; a second signal forces exit. */
function onShutdown(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main(process.argv.slice(2)).then(
  (result) => {
    if (result !== 'running') process.exitCode = result;
  },
  (error: Error) => {
    process.stderr.write(`hub: ${error.message}\n`);
    // Exit now: whatever the failed start had opened (simulators, connections, timers) must not keep it alive.
    process.exit(1);
  },
);
