import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** Where Debian/Ubuntu put the PostgreSQL 15 server binaries (override with TEST_PG_BIN). */
const PG_BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const PG_OS_USER = 'postgres';

/**
 * A throw-away PostgreSQL server of the test's own (own port, own data directory under the OS temp dir), for tests
 * that stop and restart the database. The machine's shared server (5432) is never touched: other suites use it.
 *
 * initdb and the server refuse to run as root, so when the tests run as root every command runs as the `postgres`
 * OS user (`runuser -u postgres --`), and the directory is handed to that user.
 */
export interface DedicatedPostgres {
  port: number;
  /** The superuser's URL of the `postgres` maintenance database. */
  adminUrl: string;
  dataDir: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server: `fast` disconnects clients and shuts down cleanly, `immediate` is a crash (recovery on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** stop, wait `downMs`, start. */
  restart(options?: { mode?: 'fast' | 'immediate'; downMs?: number }): Promise<void>;
  /** Whether the server is running (per pg_ctl). */
  running(): Promise<boolean>;
  /** The server's log so far (for failure messages). */
  log(): string;
  /** Stops the server (immediately) and removes its directory. Safe to call twice. */
  destroy(): Promise<void>;
}

function asPostgresUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() === 0) return ['runuser', ['-u', PG_OS_USER, '--', command, ...args]];
  return [command, args];
}

async function pgCommand(tool: string, args: string[]): Promise<string> {
  const [command, fullArgs] = asPostgresUser(join(PG_BIN, tool), args);
  const { stdout } = await run(command, fullArgs, { timeout: 60_000 });
  return stdout;
}

/** initdb + start. Takes 2-4 s on a loaded machine. Call destroy() in afterAll. */
export async function startDedicatedPostgres(): Promise<DedicatedPostgres> {
  const root = mkdtempSync(join(tmpdir(), 'hub-dedicated-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', PG_OS_USER]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', PG_OS_USER]).toString().trim());
    chownSync(root, uid, gid);
  }
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  const port = await freePort();
  // -N: no fsync during initdb; fsync=off: a throw-away server (a clean or immediate stop loses nothing the OS has).
  await pgCommand('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8', '--locale=C']);
  const serverOptions = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60 -c shared_buffers=16MB`;
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let destroyed = false;

  const isRunning = async () => {
    try {
      await pgCommand('pg_ctl', ['-D', dataDir, 'status']);
      return true;
    } catch {
      return false;
    }
  };
  const start = async () => {
    await pgCommand('pg_ctl', ['-D', dataDir, '-o', serverOptions, '-l', logFile, '-w', '-t', '60', 'start']);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await pgCommand('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  };
  // A crashed test run must not leave a server behind: stop it when this worker process exits, whatever happens.
  const stopOnExit = () => {
    if (destroyed) return;
    try {
      const [command, args] = asPostgresUser(join(PG_BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']);
      execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    } catch {
      // not running
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', stopOnExit);

  await start();

  return {
    port,
    adminUrl,
    dataDir,
    async createDatabase(name = `hub_fault_${randomBytes(4).toString('hex')}`) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`create database "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop,
    start,
    async restart({ mode = 'fast', downMs = 0 } = {}) {
      await stop(mode);
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    running: isRunning,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    async destroy() {
      if (destroyed) return;
      if (await isRunning()) await stop('immediate').catch(() => undefined);
      destroyed = true;
      process.off('exit', stopOnExit);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
