import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditChainReport } from '../../audit/chain-problems.js';
import { CheckpointSigner, publicKeyId } from '../../audit/checkpoint-signature.js';
import { gatherCheckpoints, verifyAuditChain } from '../../audit/chain-verification.js';
import type { HubConfig } from '../../config.js';
import type { Executor } from '../../db/client.js';
import { pgError } from '../../db/sql.js';
import { AUDIT_PUBLIC_KEY_FILE, readPemOrPath } from '../audit-signing-key.js';

const USAGE = `Usage:
  hub audit verify [--checkpoints DIR …] [--public-key FILE …] [--json]
      Recomputes the audit chain of the database (DATABASE_URL, e.g. a restored dump; read only) and checks it
      against the signed checkpoints in its audit_checkpoints table and in each DIR (default: the hub's checkpoint
      directory). Exit 0 when it verifies, 1 when it does not, 2 on a usage error.
  hub audit public-key
      Prints the public key that verifies this hub's checkpoints (PEM), to keep beside the shipped checkpoints.`;

interface VerifyOptions {
  dirs: string[];
  publicKeyFiles: string[];
  json: boolean;
}

function parseVerify(args: string[]): VerifyOptions | string {
  const options: VerifyOptions = { dirs: [], publicKeyFiles: [], json: false };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--json') {
      options.json = true;
      continue;
    }
    if (flag !== '--checkpoints' && flag !== '--public-key') return `unknown option ${flag}`;
    const value = args[++i];
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    if (flag === '--checkpoints') {
      if (!existsSync(value)) return `--checkpoints ${value}: no such directory`;
      options.dirs.push(value);
    } else {
      if (!existsSync(value)) return `--public-key ${value}: no such file`;
      options.publicKeyFiles.push(value);
    }
  }
  return options;
}

/**
 * The public keys to trust when none is given: the configured signing key's public half, else the one the embedded
 * default generated into the data folder. Never generates a key.
 */
export function configuredPublicKeys(config: Readonly<HubConfig>): string[] {
  if (config.audit.signingKey) return [CheckpointSigner.fromPem(readPemOrPath(config.audit.signingKey, 'HUB_AUDIT_SIGNING_KEY')).publicKeyPem];
  const local = join(config.dataDir, AUDIT_PUBLIC_KEY_FILE);
  return existsSync(local) ? [readFileSync(local, 'utf8')] : [];
}

/** `hub audit verify|public-key`, straight against the database (no migrations: it may be a restored dump). */
export async function auditCommand(args: string[], deps: { db: () => Promise<Executor>; config: Readonly<HubConfig>; out: NodeJS.WritableStream }): Promise<number> {
  const [sub, ...rest] = args;
  const print = (line: string) => deps.out.write(`${line}\n`);
  if (sub === 'public-key' && rest.length === 0) {
    const [key] = configuredPublicKeys(deps.config);
    if (!key) {
      print('hub audit public-key: no audit signing key is configured (set HUB_AUDIT_SIGNING_KEY)');
      return 2;
    }
    deps.out.write(key);
    return 0;
  }
  if (sub !== 'verify') {
    print(USAGE);
    return 2;
  }
  const options = parseVerify(rest);
  if (typeof options === 'string') {
    print(`hub audit verify: ${options}\n${USAGE}`);
    return 2;
  }
  const publicKeys = options.publicKeyFiles.length ? options.publicKeyFiles.map((file) => readFileSync(file, 'utf8')) : configuredPublicKeys(deps.config);
  const dirs = options.dirs.length ? options.dirs : [deps.config.audit.checkpointDir];
  const db = await deps.db();
  let report: AuditChainReport;
  try {
    const { checkpoints, unreadable } = await gatherCheckpoints(db, dirs);
    report = await verifyAuditChain(db, { checkpoints, unreadable, publicKeys });
  } catch (error) {
    // undefined_table: pointed at a database that is not (or not yet) a hub's.
    if (pgError(error)?.code !== '42P01') throw error;
    print(`hub audit verify: the database has no audit tables (${pgError(error)!.message}); is DATABASE_URL a hub database with every migration applied?`);
    return 2;
  }
  if (options.json) print(JSON.stringify(report, null, 2));
  else print(describeReport(report, publicKeys));
  return report.valid ? 0 : 1;
}

function describeReport(report: AuditChainReport, publicKeys: string[]): string {
  const lines = [
    `Audit chain: ${report.eventsRead} events${report.headSeq !== null ? ` (newest ${report.headSeq})` : ''}, ${report.checkpointsChecked} signed checkpoints checked`,
    report.signaturesChecked
      ? `  trusted keys: ${publicKeys.map((pem) => publicKeyId(pem).slice(0, 16)).join(', ')}`
      : '  no public key: checkpoints were not used, so truncation and re-hashing cannot be detected (pass --public-key)',
  ];
  if (report.valid) {
    lines.push(`OK: the chain verifies through event ${report.lastVerifiedSeq ?? 0}${report.lastAnchoredSeq !== null ? `, anchored by a signed checkpoint through event ${report.lastAnchoredSeq}` : ''}.`);
    return lines.join('\n');
  }
  lines.push(report.firstBrokenSeq !== null ? `BROKEN at event ${report.firstBrokenSeq}:` : 'NOT VERIFIED:');
  for (const problem of report.problems) lines.push(`  ${problem.kind.padEnd(21)} ${problem.message}`);
  if (report.problemsOmitted > 0) lines.push(`  … and ${report.problemsOmitted} more`);
  return lines.join('\n');
}
