import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../../src/db/client.js';
import { changeRequests, findings, models, modelVersions, sources } from '../../../src/db/schema/index.js';
import type { Principal, Role } from '../../../src/auth/principal.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { createGovernanceServices, type GovernanceServices } from '../../../src/governance/governance-services.js';
import { seedDefaultPolicies } from '../../../src/governance/policy.repository.js';
import { writeBackSummaries } from '../../../src/governance/write-back-status.js';

/** Inventory rows for governance tests, inserted directly (the inventory writer is not under test here). */
export async function seedSource(db: Db, vendor: 'mlflow' | 'sagemaker' = 'mlflow'): Promise<string> {
  const [row] = await db.insert(sources).values({ vendor, name: `src-${randomUUID().slice(0, 8)}` }).returning({ id: sources.id });
  return row.id;
}

export async function seedModel(db: Db, sourceId: string, attrs: { riskTier?: string | null; accountableOwner?: string | null } = {}): Promise<string> {
  const externalId = `model-${randomUUID().slice(0, 8)}`;
  const [row] = await db
    .insert(models)
    .values({ sourceId, externalId, name: externalId, contentHash: 'h', riskTier: attrs.riskTier ?? null, accountableOwner: attrs.accountableOwner ?? null })
    .returning({ id: models.id });
  return row.id;
}

export async function seedVersion(
  db: Db,
  input: { sourceId: string; modelId: string; state?: string; createdBy?: string | null; version?: string },
): Promise<string> {
  const version = input.version ?? randomUUID().slice(0, 6);
  const [row] = await db
    .insert(modelVersions)
    .values({
      sourceId: input.sourceId,
      modelId: input.modelId,
      externalId: `${input.modelId}/${version}`,
      modelExternalId: input.modelId,
      version,
      contentHash: 'h',
      createdBy: input.createdBy ?? null,
      lifecycleState: input.state ?? 'DEVELOPMENT',
    })
    .returning({ id: modelVersions.id });
  return row.id;
}

export async function openUngovernedFinding(db: Db, sourceId: string, versionId: string): Promise<string> {
  const [row] = await db
    .insert(findings)
    .values({ kind: 'UNGOVERNED_PRODUCTION', sourceId, entityKind: 'version', entityId: versionId, message: 'Serves production without governed PRODUCTION state.' })
    .returning({ id: findings.id });
  return row.id;
}

export async function versionState(db: Db, versionId: string): Promise<string> {
  const [row] = await db.select({ s: modelVersions.lifecycleState }).from(modelVersions).where(eq(modelVersions.id, versionId));
  return row.s;
}

export function person(id: string, roles: Role[], displayName = id): Principal {
  return { id, displayName, roles, personId: null, kind: 'jwt' };
}

/** A settable clock: tests move time forward to reach expiry and backoff. */
export class TestClock {
  constructor(public current = new Date('2026-03-02T09:00:00.000Z')) {}
  now = () => new Date(this.current);
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Records enqueueWriteBack calls (a fake of the port DecisionService is given). */
export class RecordingJobs {
  readonly enqueued: string[] = [];
  readonly enqueueWriteBack = async (id: string): Promise<void> => {
    this.enqueued.push(id);
  };
}

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export async function governanceFor(db: Db, clock = new TestClock()) {
  await seedDefaultPolicies(db);
  const jobs = new RecordingJobs();
  const service = createGovernanceServices({ db, audit: new AuditRecorder(), enqueueWriteBack: jobs.enqueueWriteBack, logger: silentLogger, changeRequestTtlDays: 14, now: clock.now });
  return { service, jobs, clock };
}

/** A change request as the API shows it: its row, with the write-back fields derived from its outbox rows. */
export async function requestWithWriteBack(db: Db, id: string) {
  const [row] = await db.select().from(changeRequests).where(eq(changeRequests.id, id));
  return { ...row, ...(await writeBackSummaries(db, [id])).get(id)! };
}
