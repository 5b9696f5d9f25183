import type { VendorModule } from '../../connectors/registry/index.js';
import type { FieldProblem } from '../errors.js';
import { canonicalJson } from '../canonical-json.js';

/**
 * Where a source's credential is sent is decided by some of its settings (the vendor module's `credentialSettings`:
 * a tracking URI, an endpoint, a host, an AWS region). Changing one of them while the stored secret stays would let
 * whoever may edit sources send that secret to a host of their choice, so such a change needs the secret again.
 */

export const CREDENTIAL_REQUIRED = 'CREDENTIAL_REQUIRED';

/**
 * The `settings.<key>` paths whose destination differs between two settings objects, compared as the vendor's schema
 * reads them (a trailing slash the schema drops is no move).
 */
export function credentialDestinationChanges(module: VendorModule, before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const read = (settings: Record<string, unknown>) => {
    const parsed = module.settingsSchema.safeParse(settings);
    return parsed.success ? parsed.data : settings;
  };
  const [was, will] = [read(before), read(after)];
  return module.credentialSettings.filter((key) => canonicalJson(was[key] ?? null) !== canonicalJson(will[key] ?? null)).map((key) => `settings.${key}`);
}

/** The field problems of a destination change made without the secret. */
export function credentialRequiredProblems(moved: string[]): FieldProblem[] {
  return [
    { path: 'secret', message: `is required in the same update: ${moved.join(', ')} decides where the stored credential is sent` },
    ...moved.map((path) => ({ path, message: 'decides where the credential is sent; change it together with the secret' })),
  ];
}
