import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/**
 * A throw-away Redis server of the test's own (own port, own directory), for tests that restart Redis. The machine's
 * shared Redis (6379) is never touched.
 *
 * Persistence: append-only file with `appendfsync always`, so every acknowledged write survives even a SIGKILL. That
 * is what a production Redis behind BullMQ should run with (BullMQ's docs ask for AOF), and it is what makes
 * "schedules are intact after a restart" a property of the hub rather than of a lucky snapshot.
 */
export interface DedicatedRedis {
  port: number;
  url: string;
  /** SIGTERM (clean shutdown) or SIGKILL (crash); resolves when the process is gone. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts the server again on the same port and directory; resolves once it answers PING (AOF loaded). */
  start(): Promise<void>;
  /** stop, wait `downMs`, start. */
  restart(options?: { signal?: 'SIGTERM' | 'SIGKILL'; downMs?: number }): Promise<void>;
  /** Whether the server process is up. */
  running(): boolean;
  /** The server's output so far. */
  output(): string;
  /** Stops the server and removes its directory. Safe to call twice. */
  destroy(): Promise<void>;
}

export async function startDedicatedRedis(): Promise<DedicatedRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-dedicated-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let text = '';
  let destroyed = false;

  const start = async () => {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--protected-mode', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child = proc;
    const deadline = Date.now() + 20_000;
    while (!(await answersPing(port))) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}:\n${text.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer PING within 20 s:\n${text.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };
  const killOnExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    async restart({ signal = 'SIGTERM', downMs = 0 } = {}) {
      await stop(signal);
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    output: () => text,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await stop('SIGKILL');
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True when a Redis on `port` answers PING with PONG (not LOADING, not refused). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
