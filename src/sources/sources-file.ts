import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { VENDORS, type Vendor } from '../../connectors/contract.js';
import type { FieldProblem } from '../errors.js';

/**
 * The declarative sources file of `hub sources apply -f sources.yaml`, for teams that keep configuration in git:
 *
 * ```yaml
 * sources:
 *   - name: mlflow-prod
 *     vendor: mlflow
 *     settings: { trackingUri: https://mlflow.example.com }
 *     secret: env:MLFLOW_PROD_SECRET        # the CLI reads this variable (JSON, e.g. {"token":"…"}) and sends it
 *     scheduleSeconds: 900                  # optional; the hub's default (3600) when a source is created
 *     enabled: true                         # optional; default true
 *   - name: sagemaker-eu
 *     vendor: sagemaker
 *     settings: { region: eu-west-1 }
 *     secretFromHubEnv: SAGEMAKER_EU_SECRET  # the hub stores the reference and reads ITS environment at use time
 * ```
 * Secret values never appear in the file: `secret` takes only `env:NAME` (or null: no secret); omitting both
 * secret keys leaves a source's current secret alone.
 */

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const sourceSchema = z.strictObject({
  name: z.string().min(1).max(100),
  vendor: z.enum(VENDORS),
  settings: z.record(z.string(), z.unknown()).default({}),
  secret: z
    .string()
    .regex(/^env:[A-Za-z_][A-Za-z0-9_]*$/, 'must be env:NAME (secret values do not belong in the file)')
    .nullable()
    .optional(),
  secretFromHubEnv: z.string().regex(ENV_NAME, 'must be an environment variable name').optional(),
  scheduleSeconds: z.number().int().optional(),
  enabled: z.boolean().default(true),
});

const fileSchema = z.strictObject({ sources: z.array(sourceSchema).default([]) });

export type DeclaredSource = z.output<typeof sourceSchema> & { vendor: Vendor };

/** Parses and checks the file; returns every problem with its path (e.g. `sources[2].secret`). */
export function parseSourcesFile(text: string): { sources: DeclaredSource[] } | { problems: FieldProblem[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { problems: [{ path: '(file)', message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` }] };
  }
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({
        path: issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(file)',
        message: issue.message,
      })),
    };
  }
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  parsed.data.sources.forEach((source, i) => {
    if (seen.has(source.name)) problems.push({ path: `sources[${i}].name`, message: `"${source.name}" appears more than once` });
    seen.add(source.name);
    if (source.secret !== undefined && source.secretFromHubEnv !== undefined) problems.push({ path: `sources[${i}]`, message: 'give either secret or secretFromHubEnv, not both' });
  });
  return problems.length ? { problems } : { sources: parsed.data.sources as DeclaredSource[] };
}

/**
 * The secret to send for a declared source: undefined (leave as is), null (remove), the JSON object read from the
 * CLI's environment, or an `env:NAME` reference for the hub to resolve.
 */
export function declaredSecret(source: DeclaredSource, env: NodeJS.ProcessEnv): { value: Record<string, unknown> | string | null | undefined } | { problem: string } {
  if (source.secretFromHubEnv) return { value: `env:${source.secretFromHubEnv}` };
  if (source.secret === undefined) return { value: undefined };
  if (source.secret === null) return { value: null };
  const name = source.secret.slice(4);
  const raw = env[name];
  if (raw === undefined || raw === '') return { problem: `environment variable ${name} is not set` };
  try {
    const value = JSON.parse(raw) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return { value: value as Record<string, unknown> };
  } catch {
    // fall through: the message below says what is expected without echoing the value
  }
  return { problem: `environment variable ${name} must hold the secret as a JSON object, e.g. {"token":"…"}` };
}
