import { readFile } from 'node:fs/promises';
import { vendorModule } from '../../../connectors/registry/index.js';
import { planApply, type LiveSource, type PlanStep } from '../../sources/apply-plan.js';
import { credentialDestinationChanges } from '../../sources/credential-destination.js';
import { declaredSecret, parseSourcesFile, type DeclaredSource } from '../../sources/sources-file.js';

const USAGE = `Usage: hub sources apply -f sources.yaml [--dry-run]
Talks to a running hub: HUB_URL (default http://127.0.0.1:4000) and HUB_API_KEY (an OPERATOR or ADMIN key).
Secrets: "secret: env:NAME" reads NAME (a JSON object) from this shell's environment and sends it;
"secretFromHubEnv: NAME" lets the hub read NAME from its own environment.`;

const SOURCE_FIELDS = 'id name vendor settings scheduleSeconds enabled hasSecret';

interface Deps {
  env: NodeJS.ProcessEnv;
  out: NodeJS.WritableStream;
  fetch?: typeof fetch;
}

class CommandError extends Error {}

/** A GraphQL client for the hub's API; errors carry the hub's message and field problems. */
function graphqlClient(deps: Deps) {
  const base = (deps.env.HUB_URL || 'http://127.0.0.1:4000').replace(/\/+$/, '');
  const key = deps.env.HUB_API_KEY;
  if (!key) throw new CommandError('HUB_API_KEY is not set (create one with `hub keys create --role OPERATOR --name ci`)');
  const doFetch = deps.fetch ?? fetch;
  return async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    let response: Response;
    try {
      response = await doFetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new CommandError(`cannot reach the hub at ${base}: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => null)) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string; problems?: Array<{ path: string; message: string }> } }> } | null;
    if (body?.errors?.length) {
      throw new CommandError(
        body.errors
          .map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}${e.extensions?.problems ? ` (${e.extensions.problems.map((p) => `${p.path}: ${p.message}`).join('; ')})` : ''}`)
          .join('\n'),
      );
    }
    if (!response.ok || !body?.data) throw new CommandError(`the hub answered HTTP ${response.status}`);
    return body.data;
  };
}

type Client = ReturnType<typeof graphqlClient>;

async function liveSources(client: Client): Promise<LiveSource[]> {
  const all: LiveSource[] = [];
  let after: string | null = null;
  for (;;) {
    const data: { sources: { nodes: LiveSource[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await client(
      `query ($after: String) { sources(first: 500, after: $after) { nodes { ${SOURCE_FIELDS} } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    all.push(...data.sources.nodes);
    if (!data.sources.pageInfo.hasNextPage) return all;
    after = data.sources.pageInfo.endCursor;
  }
}

function describe(step: PlanStep): string | null {
  switch (step.kind) {
    case 'create':
      return `+ create  ${step.declared.name} (${step.declared.vendor})`;
    case 'update':
      return `~ update  ${step.declared.name}: ${step.fields.join(', ')}`;
    case 'disable':
      return `- disable ${step.live.name} (not in the file; its inventory is kept)`;
    case 'error':
      return `! error   ${step.name} ${step.message}`;
    default:
      return null;
  }
}

/**
 * `hub sources apply -f FILE [--dry-run]`: makes the hub's sources match the file through the GraphQL API, printing
 * the plan first. Idempotent: a second apply changes nothing and says so. Exit code 0 on success, 1 when anything
 * failed, 2 for usage or file errors.
 */
export async function sourcesCommand(args: string[], deps: Deps): Promise<number> {
  const print = (line: string) => deps.out.write(`${line}\n`);
  const [sub, ...rest] = args;
  const fileIndex = rest.findIndex((a) => a === '-f' || a === '--file');
  const file = fileIndex >= 0 ? rest[fileIndex + 1] : undefined;
  const dryRun = rest.includes('--dry-run');
  const unknown = rest.filter((a, i) => !(i === fileIndex || i === fileIndex + 1 || a === '--dry-run'));
  if (sub !== 'apply' || !file || unknown.length) {
    print(USAGE);
    return 2;
  }

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    print(`cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  const parsed = parseSourcesFile(text);
  if ('problems' in parsed) {
    print(`${file} is not valid:`);
    for (const p of parsed.problems) print(`  ${p.path}: ${p.message}`);
    return 2;
  }
  const secrets = new Map<string, Record<string, unknown> | string | null | undefined>();
  const secretProblems: string[] = [];
  for (const source of parsed.sources) {
    const secret = declaredSecret(source, deps.env);
    if ('problem' in secret) secretProblems.push(`  ${source.name}: ${secret.problem}`);
    else secrets.set(source.name, secret.value);
  }
  if (secretProblems.length) {
    print('Secrets could not be read:');
    secretProblems.forEach(print);
    return 2;
  }

  try {
    const client = graphqlClient(deps);
    const steps = planApply(
      parsed.sources,
      await liveSources(client),
      (name) => secrets.get(name) !== undefined && secrets.get(name) !== null,
      (declared, live) => credentialDestinationChanges(vendorModule(declared.vendor), live.settings, declared.settings),
    );
    const lines = steps.map(describe).filter((l): l is string => l !== null);
    const secretChecks = steps.filter((s) => s.kind === 'send-secret').length;
    print(lines.length ? `Plan:\n${lines.map((l) => `  ${l}`).join('\n')}` : 'Plan: no changes to settings, schedules or membership.');
    if (secretChecks) print(`  (${secretChecks} source(s) send a secret; the hub changes it only where it differs)`);
    if (steps.some((s) => s.kind === 'error')) return 1;
    if (dryRun) {
      print('Dry run: nothing applied.');
      return 0;
    }
    const applied = await applySteps(client, steps, secrets, print);
    print(applied === 0 ? 'No changes.' : `Applied ${applied} change(s).`);
    return 0;
  } catch (error) {
    if (error instanceof CommandError) {
      print(`hub sources apply failed: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function applySteps(client: Client, steps: PlanStep[], secrets: Map<string, unknown>, print: (line: string) => void): Promise<number> {
  let applied = 0;
  for (const step of steps) {
    if (step.kind === 'create') {
      await client(`mutation ($input: CreateSourceInput!) { createSource(input: $input) { id } }`, { input: createInput(step.declared, secrets.get(step.declared.name)) });
      print(`  created ${step.declared.name}`);
      applied++;
    } else if (step.kind === 'update' || step.kind === 'send-secret') {
      const input = step.kind === 'update' ? updateInput(step.declared, step.fields) : {};
      const secret = secrets.get(step.declared.name);
      if (secret !== undefined) input.secret = secret;
      const data = await client<{ updateSource: { changedFields: string[] } }>(
        `mutation ($id: ID!, $input: UpdateSourceInput!) { updateSource(id: $id, input: $input) { changedFields } }`,
        { id: step.live.id, input },
      );
      if (data.updateSource.changedFields.length) {
        print(`  updated ${step.declared.name}: ${data.updateSource.changedFields.join(', ')}`);
        applied++;
      }
    } else if (step.kind === 'disable') {
      await client(`mutation ($id: ID!) { setSourceEnabled(id: $id, enabled: false) { id } }`, { id: step.live.id });
      print(`  disabled ${step.live.name}`);
      applied++;
    }
  }
  return applied;
}

function createInput(source: DeclaredSource, secret: unknown): Record<string, unknown> {
  return {
    vendor: source.vendor.toUpperCase(),
    name: source.name,
    settings: source.settings,
    enabled: source.enabled,
    ...(source.scheduleSeconds !== undefined ? { scheduleSeconds: source.scheduleSeconds } : {}),
    ...(secret !== undefined ? { secret } : {}),
  };
}

function updateInput(source: DeclaredSource, fields: string[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (fields.includes('settings')) input.settings = source.settings;
  if (fields.includes('scheduleSeconds')) input.scheduleSeconds = source.scheduleSeconds;
  if (fields.includes('enabled')) input.enabled = source.enabled;
  if (fields.includes('secret')) input.secret = null;
  return input;
}
