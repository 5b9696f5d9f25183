import { z } from 'zod';
import { vendorModules } from '../../connectors/registry/index.js';
import type { Vendor } from '../../connectors/contract.js';

/** What a client needs to draw a source form: the vendor's own settings and secret schemas, as JSON Schema. */
export interface VendorInputSchemas {
  vendor: Vendor;
  label: string;
  /** JSON Schema (draft 2020-12) of the settings as entered (before defaults and normalisation). */
  settingsSchema: Record<string, unknown>;
  /** JSON Schema of the secret as entered; `anyOf` lists the credential kinds, `{ type: 'null' }` where none is allowed. */
  secretSchema: Record<string, unknown>;
}

let cached: VendorInputSchemas[] | null = null;

/**
 * Derived from the same zod schemas that validate a source on save, so a form drawn from them asks for exactly the
 * fields the server checks. The input side is described: a transform (URL normalisation) has no JSON Schema form.
 */
export function vendorInputSchemas(): VendorInputSchemas[] {
  cached ??= vendorModules.map((module) => ({
    vendor: module.vendor,
    label: module.label,
    settingsSchema: z.toJSONSchema(module.settingsSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    secretSchema: z.toJSONSchema(module.secretSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  }));
  return cached;
}
