import type { z } from 'zod';
import { VENDORS, type Vendor } from '../../connectors/contract.js';
import { vendorModule, type VendorModule } from '../../connectors/registry/index.js';
import { envReferenceName, SecretUnavailableError, type SecretInput } from '../auth/secret-box.js';
import type { FieldProblem } from '../errors.js';
import { checkSourceUrl, type Resolver, type UrlPolicy } from './url-policy.js';

/** Schedule bounds: more often than a minute hammers vendors; less than weekly makes the inventory stale. */
export const MIN_SCHEDULE_SECONDS = 60;
export const MAX_SCHEDULE_SECONDS = 7 * 24 * 3600;
export const MAX_NAME_LENGTH = 100;

/** zod issues → field problems under `prefix`. zod messages state the rule, never the offending value. */
export function zodProblems(error: z.ZodError, prefix: string): FieldProblem[] {
  return error.issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].join('.'), message: issue.message }));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function checkVendor(vendor: unknown): { vendor: Vendor; module: VendorModule } | FieldProblem {
  if (typeof vendor !== 'string' || !(VENDORS as readonly string[]).includes(vendor)) {
    return { path: 'vendor', message: `must be one of ${VENDORS.join(', ')}` };
  }
  return { vendor: vendor as Vendor, module: vendorModule(vendor as Vendor) };
}

export function checkName(name: unknown): FieldProblem[] {
  if (typeof name !== 'string' || name.trim().length === 0) return [{ path: 'name', message: 'is required' }];
  if (name !== name.trim()) return [{ path: 'name', message: 'must not start or end with spaces' }];
  if (name.length > MAX_NAME_LENGTH) return [{ path: 'name', message: `must be at most ${MAX_NAME_LENGTH} characters` }];
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return [{ path: 'name', message: 'must not contain control characters' }];
  return [];
}

export function checkSchedule(seconds: unknown): FieldProblem[] {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < MIN_SCHEDULE_SECONDS || seconds > MAX_SCHEDULE_SECONDS) {
    return [{ path: 'scheduleSeconds', message: `must be a whole number of seconds from ${MIN_SCHEDULE_SECONDS} (1 minute) to ${MAX_SCHEDULE_SECONDS} (7 days)` }];
  }
  return [];
}

export function checkMaxDeleteShare(value: unknown): FieldProblem[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return [{ path: 'maxDeleteShare', message: 'must be a number from 0 to 1' }];
  return [];
}

/**
 * Settings against the vendor's schema, with unknown top-level keys named (a typo must not be silently dropped),
 * and every URL setting against the outbound URL policy.
 */
export async function checkSettings(module: VendorModule, settings: unknown, policy: UrlPolicy, resolve?: Resolver): Promise<FieldProblem[]> {
  if (!isPlainObject(settings)) return [{ path: 'settings', message: 'must be a JSON object' }];
  const parsed = module.settingsSchema.safeParse(settings);
  const problems = parsed.success ? [] : zodProblems(parsed.error, 'settings');
  if (parsed.success && isPlainObject(parsed.data)) {
    for (const key of Object.keys(settings)) {
      if (!(key in parsed.data)) problems.push({ path: `settings.${key}`, message: `is not a ${module.label} setting` });
    }
  }
  for (const key of module.urlSettings) {
    if (settings[key] === undefined || settings[key] === null) continue;
    const refusal = await checkSourceUrl(settings[key], policy, resolve);
    if (refusal && !problems.some((p) => p.path === `settings.${key}`)) problems.push({ path: `settings.${key}`, message: refusal });
  }
  return problems;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Credentials travel in HTTP headers (or are signed into them): a CR/LF in one would be a header injection, which
 * fetch refuses with an error that quotes the whole header value, secret included. So they are refused up front, by
 * path only. Applies to secrets given through the API and to those read from the environment at use time.
 */
export function credentialProblems(secret: unknown, prefix = 'secret'): FieldProblem[] {
  if (typeof secret === 'string') return CONTROL_CHARACTERS.test(secret) ? [{ path: prefix, message: 'must not contain control characters (CR, LF, NUL, …)' }] : [];
  if (!isPlainObject(secret)) return [];
  return Object.entries(secret).flatMap(([key, value]) => credentialProblems(value, `${prefix}.${key}`));
}

/**
 * A secret given on create/update. `undefined` keeps the current one; `null` removes it (only where the vendor works
 * without one); an `env:NAME` reference is checked for shape only (the variable is read at use time).
 */
export function checkSecret(module: VendorModule, secret: SecretInput | null | undefined, hasCurrent: boolean): FieldProblem[] {
  if (secret === undefined && hasCurrent) return [];
  if (secret === undefined || secret === null) {
    return module.secretSchema.safeParse(null).success ? [] : [{ path: 'secret', message: `is required for ${module.label}` }];
  }
  try {
    if (envReferenceName(secret)) return [];
  } catch (error) {
    if (error instanceof SecretUnavailableError) return [{ path: 'secret', message: error.message }];
    throw error;
  }
  if (!isPlainObject(secret)) return [{ path: 'secret', message: 'must be a JSON object or an env:NAME reference' }];
  const parsed = module.secretSchema.safeParse(secret);
  return [...(parsed.success ? [] : zodProblems(parsed.error, 'secret')), ...credentialProblems(secret)];
}
