import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Vendor } from '../../connectors/contract.js';
import type { SimulatorOptions } from '../../connectors/shared/simulator-kit.js';

/** Compiled benches (dist/bench, see tsconfig.bench.json) start compiled simulators; TypeScript ones go through swc. */
const COMPILED = import.meta.url.endsWith('.js');
const SCRIPT = fileURLToPath(new URL(COMPILED ? './simulator-process.js' : './simulator-process.ts', import.meta.url));
const LOADER = COMPILED ? [] : ['--import', '@swc-node/register/esm-register'];

/** A simulator in a child process (see simulator-process.ts). */
export async function startChildSimulator(vendor: Vendor, options: SimulatorOptions): Promise<{ url: string; child: ChildProcess; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--max-old-space-size=4096', ...LOADER, SCRIPT, vendor, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /SIMULATOR_URL (\S+)/.exec(buffered);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`simulator for ${vendor} exited with ${code}`)));
  });
  return {
    url,
    child,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Samples this process's RSS until stopped; returns the peak in MB. */
export function rssSampler(intervalMs = 50): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return Math.round(peak / 1024 / 1024);
    },
  };
}
