/**
 * The README's examples, run as a reader runs them, in the order they appear: every command of its ```sh blocks
 * (through bash, with `hub` being the package's bin), the ```yaml file, every GraphQL operation of its ```graphql
 * blocks and every inline one, against the hub its own "Against PostgreSQL and Redis" block starts (`npm run build`,
 * then `node dist/…` migrate, serve, worker). What a test must change is only where it runs: a fresh PostgreSQL
 * database and a Redis prefix of its own instead of the README's `hub` database, port 0, a data folder in /tmp; and
 * a `"…"` id placeholder becomes the id the example before it returned.
 *
 * Operations that docs/approver-walkthrough.md shows too must be the walkthrough's very text, which
 * tests/e2e/governance-story.test.ts runs. An example this file cannot run fails its test: the README cannot gain
 * an example that nobody runs, and the two commands at its top are run or skipped here with the reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { print, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresTestDatabase, type TestDatabase } from '../helpers/db.js';
import { deleteQueueKeys } from '../helpers/hub.js';
import { fencedBlocks, inlineSpans, namedOperations, operationsOf, type CodeExample } from '../helpers/markdown.js';
import { graphqlRequest } from '../helpers/processes.js';
import { TEST_REDIS_URL } from '../helpers/services.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = join(ROOT, 'README.md');
const WALKTHROUGH = join(ROOT, 'docs/approver-walkthrough.md');

/** A command of a shell block, and how this test runs it. */
type ShellStep =
  | { kind: 'skip'; why: string }
  | { kind: 'environment' }
  | { kind: 'run'; cwd: 'repository' | 'reader' }
  | { kind: 'serve'; ready: string };

/** Every command the README may show, and how it is run; a command not listed here fails its test. */
const SHELL_COMMANDS: Array<{ match: RegExp; step: ShellStep }> = [
  { match: /^npm install$/, step: { kind: 'skip', why: 'the suite runs in an installed clone (.ci/run: npm ci); bench/start.ts times a fresh clone’s install' } },
  { match: /^npm test$/, step: { kind: 'skip', why: 'npm test is what runs this suite' } },
  { match: /^export /, step: { kind: 'environment' } },
  { match: /^npm run build$/, step: { kind: 'run', cwd: 'repository' } },
  { match: /^npm run demo$/, step: { kind: 'serve', ready: 'ModelOps hub demo is running' } },
  { match: /^node dist\/src\/main\/cli\.js serve$/, step: { kind: 'serve', ready: '"msg":"HTTP server listening"' } },
  { match: /^node dist\/src\/main\/cli\.js worker$/, step: { kind: 'serve', ready: '"msg":"job workers started"' } },
  { match: /^node dist\/src\/main\/cli\.js (migrate|--help)$/, step: { kind: 'run', cwd: 'repository' } },
  { match: /^hub (keys|sources|status|sync) /, step: { kind: 'run', cwd: 'reader' } },
];

/** The README's commands, one per line (comments removed; `a && b` is two commands). */
function shellCommands(block: string): string[] {
  return block
    .split('\n')
    .map((line) => line.replace(/(^|\s+)#.*$/, '').trim())
    .filter(Boolean)
    .flatMap((line) => line.split(/\s+&&\s+/));
}

function stepOf(command: string): ShellStep {
  const known = SHELL_COMMANDS.find((c) => c.match.test(command));
  if (!known) throw new Error(`the README shows \`${command}\`, which this test does not know how to run: add it to SHELL_COMMANDS`);
  return known.step;
}

interface Example extends CodeExample {
  title: string;
}

/** Every runnable example of the README in document order: shell commands one by one, blocks, inline operations. */
function readmeExamples(): Example[] {
  const examples: Example[] = [];
  for (const block of fencedBlocks(README)) {
    if (block.lang === 'sh') for (const command of shellCommands(block.text)) examples.push({ ...block, text: command, title: `README:${block.line} $ ${command}` });
    else examples.push({ ...block, title: `README:${block.line} ${block.lang} block` });
  }
  for (const span of inlineSpans(README)) {
    if (/^(query|mutation)\b/.test(span.text)) examples.push({ ...span, lang: 'graphql', title: `README:${span.line} inline ${span.text.slice(0, 40)}` });
    else if (/^\{ "input":/.test(span.text)) examples.push({ ...span, lang: 'variables', title: `README:${span.line} inline variables` });
  }
  return examples.sort((a, b) => a.line - b.line);
}

interface Started {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** State a reader accumulates going down the page. */
const state = {
  env: {} as Record<string, string>,
  hubUrl: null as string | null,
  adminKey: null as string | null,
  lastId: null as string | null,
  lastNamedOperation: null as string | null,
  started: [] as Started[],
};

let database: TestDatabase;
let work: string;
let reader: string;
let binDir: string;
const queuePrefix = `{readme-${randomBytes(4).toString('hex')}}`;

beforeAll(async () => {
  database = await createPostgresTestDatabase({ migrated: false });
  work = mkdtempSync(join(tmpdir(), 'hub-readme-'));
  reader = join(work, 'reader');
  binDir = join(work, 'bin');
  mkdirSync(reader);
  mkdirSync(binDir);
  // `hub` as the package's bin puts it on a user's PATH.
  writeFileSync(join(binDir, 'hub'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/hub.js')}" "$@"\n`);
  chmodSync(join(binDir, 'hub'), 0o755);
  state.env = {
    PATH: `${binDir}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '/tmp',
    // Where this test differs from the reader's machine: its own data folder, ports and log level.
    HUB_DATA_DIR: join(work, 'demo-data'),
    PORT: '0',
    DEMO_SIMULATOR_BASE_PORT: '0',
    LOG_LEVEL: 'info',
  };
});

afterAll(async () => {
  for (const process of state.started.reverse()) await process.stop();
  await database?.drop();
  await deleteQueueKeys(queuePrefix);
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs a command through bash to its end. */
function runToEnd(command: string, cwd: string, env: Record<string, string> = state.env): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Starts a long-running command through bash, in a process group of its own, and waits for its ready line. Stopping
 * signals the whole group: npm does not pass SIGTERM on to the hub it started.
 */
async function startUntil(command: string, ready: string): Promise<Started> {
  const child = spawn('bash', ['-c', `exec ${command}`], { cwd: ROOT, env: state.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started: Started = {
    child,
    output: () => text,
    async stop() {
      const group = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // the group has ended
        }
      };
      if (child.exitCode === null && child.signalCode === null) {
        group('SIGTERM');
        const timer = setTimeout(() => group('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      // What the group's leader left running (npm's children) ends with it.
      group('SIGKILL');
    },
  };
  state.started.push(started);
  for (const deadline = Date.now() + 150_000; !text.includes(ready); ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`\`${command}\` did not get ready:\n${text.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return started;
}

async function gql(query: string, variables: Record<string, unknown> = {}, key = state.adminKey!) {
  expect(state.hubUrl, 'the README starts a hub before its first GraphQL example').not.toBeNull();
  return graphqlRequest<Record<string, any>>(state.hubUrl!, key, query, variables);
}

/** A key the README's commands printed works against the running hub. */
async function expectWorkingKey(key: string | undefined): Promise<void> {
  expect(key).toMatch(/^mh_/);
  const { status, body } = await gql('{ models { totalCount } }', {}, key);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
}

async function runShell(command: string): Promise<void> {
  const step = stepOf(command);
  if (step.kind === 'environment') {
    // The reader's shell evaluates it once (HUB_SECRET_KEY=$(openssl rand …) included).
    const dump = runToEnd(`${command} && node -e 'process.stdout.write(JSON.stringify(process.env))'`, ROOT);
    expect(dump.code, dump.stderr).toBe(0);
    const exported = JSON.parse(dump.stdout) as Record<string, string>;
    const names = [...command.matchAll(/\b([A-Z_]+)=/g)].map((m) => m[1]);
    for (const name of names) state.env[name] = exported[name];
    // Isolation: this test's own database and queue prefix instead of the README's shared ones.
    expect(names).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'HUB_SECRET_KEY']));
    Object.assign(state.env, { DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, HUB_QUEUE_PREFIX: queuePrefix });
    return;
  }
  if (step.kind === 'serve') {
    const started = await startUntil(command, step.ready);
    const admin = /No ADMIN API key existed[\s\S]*?(mh_\S+)/.exec(started.output())?.[1];
    const url = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(started.output())?.[1];
    if (command.endsWith(' serve')) {
      state.hubUrl = url!;
      state.adminKey = admin!;
      await expectWorkingKey(admin);
    }
    if (command === 'npm run demo') {
      // The demo's own data folder and hub: stopped before the README's PostgreSQL hub starts.
      expect(started.output()).toMatch(/VIEWER\s+mh_/);
      await started.stop();
    }
    return;
  }
  if (step.kind === 'skip') return;
  const env = command.startsWith('hub sources ') || command.startsWith('hub status')
    ? { ...state.env, HUB_URL: state.hubUrl!, HUB_API_KEY: await operatorKey(), MLFLOW_PROD_SECRET: '{"token":"…"}' }
    : state.env;
  const result = runToEnd(command, step.cwd === 'repository' ? ROOT : reader, env);
  expect(result.code, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
  if (command.startsWith('hub keys create')) await expectWorkingKey(/^(mh_\S+)$/m.exec(result.stdout)?.[1]);
  if (command.startsWith('hub sources apply') && command.includes('--dry-run')) {
    expect(result.stdout).toMatch(/create\s+sagemaker-eu/);
    expect(await sourceNames()).not.toContain('sagemaker-eu');
  } else if (command.startsWith('hub sources apply')) {
    expect(await sourceNames()).toEqual(expect.arrayContaining(['mlflow-prod', 'sagemaker-eu']));
    // The README's comment on this line: a second run changes nothing.
    expect(runToEnd(command, reader, env).stdout).toContain('No changes.');
  }
}

let operator: string | null = null;
async function operatorKey(): Promise<string> {
  if (!operator) {
    const person = await gql('mutation ($input: CreatePersonInput!) { createPerson(input: $input) { id } }', { input: { email: 'readme-operator@example.com', displayName: 'README operator', roles: ['OPERATOR'] } });
    const { body } = await gql('mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }', { input: { personId: person.body.data!.createPerson.id, name: 'readme-operator', roles: ['OPERATOR'] } });
    operator = body.data!.createApiKey.key as string;
  }
  return operator;
}

async function sourceNames(): Promise<string[]> {
  const { body } = await gql('{ sources(first: 50) { nodes { name } } }');
  return body.data!.sources.nodes.map((s: { name: string }) => s.name);
}

async function runGraphQL(document: string): Promise<void> {
  const walkthrough = namedOperations(WALKTHROUGH);
  for (const operation of operationsOf(document)) {
    if (operation.name) {
      // Shown in the walkthrough as well: governance-story.test.ts runs the walkthrough's text, which this must be.
      expect(walkthrough.has(operation.name), `${operation.name} is not in docs/approver-walkthrough.md`).toBe(true);
      expect(print(parse(operation.text))).toBe(print(parse(walkthrough.get(operation.name)!)));
      state.lastNamedOperation = operation.name;
      continue;
    }
    const text = state.lastId ? operation.text.replaceAll('id: "…"', `id: ${JSON.stringify(state.lastId)}`) : operation.text;
    const { status, body } = await gql(text);
    expect(body.errors, text).toBeUndefined();
    expect(status).toBe(200);
    const [field, value] = Object.entries(body.data!)[0];
    expect(value).not.toBeNull();
    if (field === 'createSource') {
      expect(value).toMatchObject({ name: 'mlflow-prod', hasSecret: true, enabled: true });
      state.lastId = value.id;
    }
    if (field === 'createApiKey') await expectWorkingKey(value.key);
  }
}

/** Variables shown for the operation before them: they must coerce to its variable types (ids are placeholders). */
async function checkVariables(json: string): Promise<void> {
  const name = state.lastNamedOperation!;
  const { body } = await gql(namedOperations(WALKTHROUGH).get(name)!, JSON.parse(json) as Record<string, unknown>);
  const coercion = (body.errors ?? []).filter((e) => e.message.startsWith('Variable "$'));
  expect(coercion, `the variables shown for ${name} do not fit it`).toEqual([]);
  // Past coercion, the placeholder id is refused by the resolver as an unknown or invalid id.
  expect(body.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|NOT_FOUND|FORBIDDEN/);
}

describe('README examples', () => {
  const examples = readmeExamples();

  it('should find the README’s examples, and in the approver walkthrough only GraphQL operations (governance-story runs them)', () => {
    expect(examples.filter((e) => e.lang === 'sh').length).toBeGreaterThanOrEqual(8);
    expect(examples.some((e) => e.lang === 'graphql')).toBe(true);
    expect(examples.some((e) => e.lang === 'yaml')).toBe(true);
    expect(fencedBlocks(WALKTHROUGH).filter((b) => b.lang !== 'graphql')).toEqual([]);
    expect(inlineSpans(WALKTHROUGH).filter((s) => /^(query|mutation)\b/.test(s.text))).toEqual([]);
  });

  for (const example of examples) {
    const step = example.lang === 'sh' ? SHELL_COMMANDS.find((c) => c.match.test(example.text))?.step : null;
    if (step?.kind === 'skip') {
      it.skip(`${example.title} (${step.why})`, () => undefined);
      continue;
    }
    it(
      example.title,
      async () => {
        if (example.lang === 'sh') await runShell(example.text);
        else if (example.lang === 'graphql') await runGraphQL(example.text);
        else if (example.lang === 'variables') await checkVariables(example.text);
        else if (example.lang === 'yaml') {
          const file = /^# (\S+\.ya?ml)/.exec(example.text)?.[1];
          expect(file, 'a YAML example names its file in its first line').toBeDefined();
          writeFileSync(join(reader, file!), example.text);
        } else throw new Error(`README:${example.line}: a \`\`\`${example.lang} block, which this test does not run`);
      },
      180_000,
    );
  }
});
