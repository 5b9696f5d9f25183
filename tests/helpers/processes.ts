import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';

const CLI = fileURLToPath(new URL('../../src/main/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export interface HubProcess {
  child: ChildProcess;
  /** Base URL (http://127.0.0.1:port) once the HTTP server is listening; null for `hub worker`. */
  url: string | null;
  /** Every JSON log line the process printed so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Raw stdout + stderr text so far (for assertions that nothing secret was printed). */
  output(): string;
  /** Resolves when a log line matching `predicate` appears. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** SIGTERM and wait for exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL now (a crash). */
  kill(): Promise<void>;
}

/**
 * Starts `hub <command>` as a child process (TypeScript through swc, no build step) and waits until it is ready:
 * the HTTP server listens (serve/start) or the job workers started (worker).
 */
export async function startHubProcess(command: 'start' | 'serve' | 'worker' | 'demo', env: Record<string, string>, options: { readyTimeoutMs?: number } = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--enable-source-maps', '--import', '@swc-node/register/esm-register', CLI, command], {
    cwd: ROOT,
    env: { ...BASE_ENV, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<{ predicate: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
  let text = '';
  let pending = '';
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        logs.push(parsed);
        for (const waiter of [...waiters]) {
          if (waiter.predicate(parsed)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(parsed);
          }
        }
      } catch {
        // not a log line
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitForLog = (predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 60_000) => {
    const found = logs.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a log line; output so far:\n${text.slice(-3000)}`)), timeoutMs);
      waiters.push({
        predicate,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`hub ${command} exited with ${code} before it was ready; output:\n${text.slice(-3000)}`));
      });
    });
  };

  let ready: Record<string, unknown>;
  try {
    ready = await waitForLog((l) => l.msg === (command === 'worker' ? 'job workers started' : 'HTTP server listening'), options.readyTimeoutMs ?? 90_000);
  } catch (error) {
    // Never leave a half-started hub behind.
    child.kill('SIGKILL');
    throw error;
  }
  const url = typeof ready.url === 'string' ? ready.url.replace(/\/graphql$/, '') : null;
  return {
    child,
    url,
    logs,
    output: () => text,
    waitForLog,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Runs a one-shot `hub <args>` (TypeScript through swc) to its end: exit code and output. A command still running
 * after `timeoutMs` is killed and reported as such (a one-shot command must never hang).
 */
export async function runHubCommand(args: string[], env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  const child = spawn(process.execPath, ['--enable-source-maps', '--import', '@swc-node/register/esm-register', CLI, ...args], {
    cwd: ROOT,
    env: { ...BASE_ENV, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr, timedOut };
}

/**
 * A connection per request: a kept-alive socket that the hub closes (its keep-alive timeout) while a test waits for a
 * child process can be reused at that very moment and fail the next request with "other side closed".
 */
const NO_KEEP_ALIVE = new Agent({ pipelining: 0 });

/** POSTs a GraphQL operation with an API key; returns the parsed body and status. */
export async function graphqlRequest<T = Record<string, unknown>>(url: string, apiKey: string, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
    dispatcher: NO_KEEP_ALIVE,
  } as RequestInit);
  return { status: response.status, body: (await response.json()) as never };
}
