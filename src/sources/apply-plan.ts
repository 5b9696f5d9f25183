import { canonicalJson } from '../canonical-json.js';
import type { DeclaredSource } from './sources-file.js';

/** A source as the hub's API shows it (no secret). */
export interface LiveSource {
  id: string;
  name: string;
  vendor: string;
  settings: Record<string, unknown>;
  scheduleSeconds: number;
  enabled: boolean;
  hasSecret: boolean;
}

export type PlanStep =
  | { kind: 'create'; declared: DeclaredSource }
  | { kind: 'update'; declared: DeclaredSource; live: LiveSource; fields: string[] }
  /** Nothing visible differs, but a secret is sent: the hub compares it and changes only what differs. */
  | { kind: 'send-secret'; declared: DeclaredSource; live: LiveSource }
  | { kind: 'disable'; live: LiveSource }
  | { kind: 'unchanged'; name: string }
  | { kind: 'error'; name: string; message: string };

/**
 * What `sources apply` must do so the hub matches the file: create what is missing, update what differs, disable
 * (never delete: inventory history stays) what the file no longer lists. Pure: no I/O. `credentialMoves` names the
 * settings whose change sends the credential elsewhere; the hub refuses such a change without the secret, so the plan
 * does too, before anything is applied.
 */
export function planApply(
  declared: DeclaredSource[],
  live: LiveSource[],
  secretSent: (name: string) => boolean,
  credentialMoves: (declared: DeclaredSource, live: LiveSource) => string[],
): PlanStep[] {
  const byName = new Map(live.map((s) => [s.name, s]));
  const steps: PlanStep[] = [];
  for (const source of declared) {
    const current = byName.get(source.name);
    if (!current) {
      steps.push({ kind: 'create', declared: source });
      continue;
    }
    if (current.vendor.toLowerCase() !== source.vendor) {
      steps.push({ kind: 'error', name: source.name, message: `is a ${current.vendor.toLowerCase()} source on the hub; a source's vendor cannot change (use a new name)` });
      continue;
    }
    const fields: string[] = [];
    if (canonicalJson(source.settings) !== canonicalJson(current.settings)) fields.push('settings');
    if (source.scheduleSeconds !== undefined && source.scheduleSeconds !== current.scheduleSeconds) fields.push('scheduleSeconds');
    if (source.enabled !== current.enabled) fields.push('enabled');
    if (source.secret === null && current.hasSecret) fields.push('secret');
    const moves = fields.includes('settings') && current.hasSecret && source.secret !== null && !secretSent(source.name) ? credentialMoves(source, current) : [];
    if (moves.length) {
      steps.push({ kind: 'error', name: source.name, message: `changes ${moves.join(', ')}, which decides where its credential is sent: declare its secret too (secret: env:NAME or secretFromHubEnv: NAME)` });
    } else if (fields.length) steps.push({ kind: 'update', declared: source, live: current, fields });
    else if (secretSent(source.name)) steps.push({ kind: 'send-secret', declared: source, live: current });
    else steps.push({ kind: 'unchanged', name: source.name });
  }
  const declaredNames = new Set(declared.map((s) => s.name));
  for (const source of live) {
    if (declaredNames.has(source.name)) continue;
    steps.push(source.enabled ? { kind: 'disable', live: source } : { kind: 'unchanged', name: source.name });
  }
  return steps;
}
