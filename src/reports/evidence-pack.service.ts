import { sql } from 'drizzle-orm';
import type { SignedCheckpoint } from '../audit/checkpoints.js';
import type { Executor } from '../db/client.js';
import type { ApprovalRow, ChangeRequestRow } from '../db/schema/index.js';
import { queryRows } from '../db/sql.js';
import { toGlobalId } from '../global-id.js';
import { ChangeRequestRepository } from '../governance/change-request.repository.js';
import { summariseWriteBack, type WriteBackSummary } from '../governance/write-back-status.js';
import type { InventoryReadService } from '../inventory/inventory-read.service.js';
import type { DeploymentRecord, FindingRecord, ModelRecord, ModelVersionRecord, SourceRecord } from '../inventory/queries/records.js';
import {
  EVIDENCE_PACK_SCHEMA_VERSION,
  VERIFY_INSTRUCTIONS,
  type ChangeRequestEvidence,
  type GovernanceChange,
  type LifecycleChange,
  type ModelEvidencePack,
  type ModelSection,
  type ModelVersionEvidencePack,
  type PackActor,
  type PackFinding,
  type PackProof,
  type PackSource,
  type VersionLineage,
  type VersionSection,
} from './evidence-pack.js';
import { link } from './pack-link.js';
import { EvidencePackRepository, type EvidenceAuditRow, type OutboxReceiptRow } from './evidence-pack.repository.js';

/**
 * The signed checkpoint covering an audit sequence number: the earliest one at or after it, or null when the chain
 * has grown past the last checkpoint (the composition root passes `findCheckpointCovering` of src/audit/checkpoints).
 */
export type CheckpointLookup = (seq: number) => Promise<SignedCheckpoint | null>;

/** Who asks for a pack (named in it). */
export interface PackViewer {
  id: string;
  displayName: string;
}

export interface EvidencePackServiceDeps {
  db: Executor;
  inventory: Pick<InventoryReadService, 'versionsByIds' | 'modelsByIds' | 'sourcesByIds' | 'deploymentsByVersionIds' | 'findingsByEntityIds'>;
  findCheckpointCovering: CheckpointLookup;
  now?: () => Date;
}

/** Governance attributes whose history the pack shows (model.governance_updated events). */
const GOVERNED_FIELDS = ['riskTier', 'businessUnit', 'accountableOwner'] as const;


/**
 * Assembles evidence packs from the read side: the inventory read service (identity, lineage, deployments, findings),
 * the change-request repository (requests, approvals), the outbox (vendor receipts) and the audit trail (history and
 * the proof). Reads only; no GraphQL. Absent records give null (the route answers 404).
 */
export class EvidencePackService {
  private readonly requests = new ChangeRequestRepository();
  private readonly repository = new EvidencePackRepository();
  private readonly now: () => Date;

  constructor(private readonly deps: EvidencePackServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async modelVersionPack(versionId: string, viewer: PackViewer): Promise<ModelVersionEvidencePack | null> {
    const [version] = await this.deps.inventory.versionsByIds([versionId]);
    if (!version) return null;
    const [model] = version.modelId ? await this.deps.inventory.modelsByIds([version.modelId]) : [null];
    const record = await this.assemble(model ?? null, [version]);
    return { kind: 'ModelVersionEvidencePack', ...this.header(viewer, record), model: record.model, version: record.versions[0] };
  }

  async modelPack(modelId: string, viewer: PackViewer): Promise<ModelEvidencePack | null> {
    const [model] = await this.deps.inventory.modelsByIds([modelId]);
    if (!model) return null;
    const versionIds = await this.repository.versionIdsOfModel(this.deps.db, model.id);
    const versions = (await this.deps.inventory.versionsByIds(versionIds)).filter((v): v is ModelVersionRecord => v !== null);
    const record = await this.assemble(model, versions);
    return { kind: 'ModelEvidencePack', ...this.header(viewer, record), model: record.model!, versions: record.versions };
  }

  private header(viewer: PackViewer, record: Assembled) {
    return {
      schemaVersion: EVIDENCE_PACK_SCHEMA_VERSION,
      generatedAt: this.now().toISOString(),
      generatedFor: { id: viewer.id, name: viewer.displayName || viewer.id },
      auditTrail: record.auditTrail,
      proof: record.proof,
    };
  }

  private async assemble(model: ModelRecord | null, versions: ModelVersionRecord[]): Promise<Assembled> {
    const { db, inventory } = this.deps;
    const versionIds = versions.map((v) => v.id);
    const replacingIds = await this.repository.requestIdsReplacing(db, versionIds);
    const [targetRequests, replacingRequests, deployments, sources] = await Promise.all([
      this.requests.byVersions(db, versionIds),
      this.requests.findByIds(db, replacingIds),
      inventory.deploymentsByVersionIds(versionIds),
      inventory.sourcesByIds(unique([...(model ? [model.sourceId] : []), ...versions.map((v) => v.sourceId)])),
    ]);
    const requests = uniqueBy([...targetRequests, ...replacingRequests], (r) => r.id);
    const requestIds = requests.map((r) => r.id);
    const deploymentIds = deployments.flat().map((d) => d.id);
    const [approvals, receipts, findingGroups] = await Promise.all([
      this.requests.approvalsOf(db, requestIds),
      this.repository.receiptsOf(db, requestIds),
      inventory.findingsByEntityIds(unique([...(model ? [model.id] : []), ...versionIds, ...deploymentIds])),
    ]);
    const findings = uniqueBy(findingGroups.flat(), (f) => f.id);
    const events = await this.repository.auditEventsOf(db, {
      modelIds: model ? [model.id] : [],
      versionIds,
      changeRequestIds: requestIds,
      findingIds: findings.map((f) => f.id),
    });
    const names = await this.actorNames(requests, approvals, events);
    const actor = (id: string, roles: string[]): PackActor => ({ id, name: names.get(id) ?? id, roles });
    const sourceOf = sourceLookup(sources);
    const findingResolutions = resolutionsOf(events, actor);
    const packFinding = (f: FindingRecord): PackFinding => ({
      id: f.id,
      globalId: toGlobalId('Finding', f.id),
      kind: f.kind,
      entityKind: f.entityKind,
      entityId: f.entityId,
      message: f.message,
      openedAt: iso(f.openedAt),
      resolvedAt: isoOrNull(f.resolvedAt),
      resolution: f.resolvedAt ? (findingResolutions.get(f.id) ?? null) : null,
    });
    const approvalsByRequest = groupBy(approvals, (a) => a.changeRequestId);
    const receiptsByRequest = groupBy(receipts, (r) => r.changeRequestId);
    const requestEvidence = (request: ChangeRequestRow, versionId: string): ChangeRequestEvidence =>
      evidenceOf(request, versionId, approvalsByRequest.get(request.id) ?? [], receiptsByRequest.get(request.id) ?? [], actor, names);

    const versionSections = versions.map((version, index): VersionSection => {
      const ownDeployments = deployments[index] ?? [];
      const entityIds = new Set([version.id, ...ownDeployments.map((d) => d.id)]);
      return {
        ...versionIdentity(version, sourceOf(version.sourceId)),
        deployments: ownDeployments.map(packDeployment),
        lifecycleHistory: events
          .filter((e) => e.entityKind === 'model_version' && e.entityId === version.id && e.action === 'model_version.lifecycle_changed')
          .map((e): LifecycleChange => ({
            seq: e.seq,
            at: iso(e.at),
            actor: actor(e.actorId, e.actorRoles),
            from: stringOrNull(e.before?.lifecycleState),
            to: stringOrNull(e.after?.lifecycleState),
            changeRequestId: stringOrNull(e.after?.changeRequestId),
          })),
        changeRequests: requests
          .filter((r) => r.modelVersionId === version.id || r.replacesVersionId === version.id)
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
          .map((r) => requestEvidence(r, version.id)),
        findings: findings.filter((f) => entityIds.has(f.entityId)).map(packFinding),
      };
    });

    const modelSection: ModelSection | null = model
      ? {
          id: model.id,
          globalId: toGlobalId('Model', model.id),
          name: model.name,
          description: model.description,
          externalId: model.externalId,
          source: sourceOf(model.sourceId),
          deepLink: link('Open at the vendor', model.deepLink),
          vendorOwner: model.owner,
          riskTier: model.riskTier,
          businessUnit: model.businessUnit,
          accountableOwner: model.accountableOwner,
          deletedAt: isoOrNull(model.deletedAt),
          governanceHistory: governanceHistory(events, model.id, actor),
          findings: findings.filter((f) => f.entityId === model.id).map(packFinding),
        }
      : null;

    const auditTrail = events.map((e) => ({ seq: e.seq, at: iso(e.at), action: e.action, entityKind: e.entityKind, entityId: e.entityId, actor: actor(e.actorId, e.actorRoles), hash: e.hash }));
    return { model: modelSection, versions: versionSections, auditTrail, proof: await this.proof(events.at(-1) ?? null) };
  }

  private async proof(last: EvidenceAuditRow | null): Promise<PackProof> {
    if (!last) return { status: 'NO_EVENTS', lastEvent: null, checkpoint: null, verification: VERIFY_INSTRUCTIONS };
    const checkpoint = await this.deps.findCheckpointCovering(last.seq);
    return {
      status: checkpoint ? 'COVERED' : 'AWAITING_CHECKPOINT',
      lastEvent: { seq: last.seq, hash: last.hash, at: iso(last.at), action: last.action },
      checkpoint: checkpoint ? { seq: checkpoint.seq, headHash: checkpoint.headHash, signedAt: checkpoint.signedAt, keyId: checkpoint.keyId, signature: checkpoint.signature } : null,
      verification: VERIFY_INSTRUCTIONS,
    };
  }

  /**
   * Names for the people and keys in the record: as recorded on requests and decisions, else the API key's name
   * (`key:<uuid>` principals). Anyone else is shown by id.
   */
  private async actorNames(requests: ChangeRequestRow[], approvals: ApprovalRow[], events: EvidenceAuditRow[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const keyIds = unique(events.map((e) => e.actorId).filter((id) => /^key:[0-9a-f-]{36}$/i.test(id)).map((id) => id.slice(4)));
    if (keyIds.length > 0) {
      const rows = await queryRows<{ id: string; name: string }>(this.deps.db, sql`select id::text as id, name from api_keys where id = any(${sql.param(keyIds)}::uuid[])`);
      for (const row of rows) names.set(`key:${row.id}`, row.name);
    }
    for (const r of requests) if (r.requesterName) names.set(r.requesterId, r.requesterName);
    for (const a of approvals) if (a.approverName) names.set(a.approverId, a.approverName);
    return names;
  }
}

interface Assembled {
  model: ModelSection | null;
  versions: VersionSection[];
  auditTrail: ModelVersionEvidencePack['auditTrail'];
  proof: PackProof;
}

function evidenceOf(
  request: ChangeRequestRow,
  versionId: string,
  approvals: ApprovalRow[],
  receipts: OutboxReceiptRow[],
  actor: (id: string, roles: string[]) => PackActor,
  names: Map<string, string>,
): ChangeRequestEvidence {
  const snapshot = (request.policySnapshot ?? {}) as Record<string, unknown>;
  return {
    id: request.id,
    globalId: toGlobalId('ChangeRequest', request.id),
    relation: request.modelVersionId === versionId ? 'TARGET' : 'REPLACED',
    modelVersionId: request.modelVersionId,
    replacesVersionId: request.replacesVersionId,
    fromState: request.fromState,
    toState: request.toState,
    status: request.status,
    statusReason: request.statusReason,
    requester: { id: request.requesterId, name: request.requesterName ?? names.get(request.requesterId) ?? request.requesterId, roles: request.requesterRoles },
    justification: request.justification,
    evidence: (request.evidence ?? []).map((e) => link(String(e.title ?? ''), e.url)!),
    policy: {
      policyId: stringOrNull(snapshot.policyId),
      revision: typeof snapshot.revision === 'number' ? snapshot.revision : null,
      toState: stringOrNull(snapshot.toState),
      policyRiskTier: stringOrNull(snapshot.riskTier),
      modelRiskTier: stringOrNull(snapshot.modelRiskTier),
      requirements: Array.isArray(snapshot.requirements)
        ? (snapshot.requirements as Array<Record<string, unknown>>).map((r) => ({ role: String(r.role), count: Number(r.count) }))
        : [],
    },
    createdAt: iso(request.createdAt),
    decidedAt: isoOrNull(request.decidedAt),
    expiresAt: iso(request.expiresAt),
    approvals: approvals.map((a) => ({
      decision: a.decision,
      slotRole: a.slotRole,
      slotIndex: a.slotIndex,
      approver: { ...actor(a.approverId, a.approverRoles), name: a.approverName ?? names.get(a.approverId) ?? a.approverId },
      comment: a.comment,
      at: iso(a.createdAt),
    })),
    writeBack: writeBackOf(summariseWriteBack(receipts)),
    receipts: receipts.map((r) => ({
      modelVersionId: r.modelVersionId,
      fromState: r.fromState,
      toState: r.toState,
      status: r.status,
      attempts: r.attempts,
      message: r.message,
      lastError: r.lastError,
      queuedAt: iso(r.createdAt),
      doneAt: isoOrNull(r.doneAt),
    })),
  };
}

function governanceHistory(events: EvidenceAuditRow[], modelId: string, actor: (id: string, roles: string[]) => PackActor): GovernanceChange[] {
  const changes: GovernanceChange[] = [];
  for (const e of events) {
    if (e.entityKind !== 'model' || e.entityId !== modelId || e.action !== 'model.governance_updated') continue;
    for (const field of GOVERNED_FIELDS) {
      if (!e.after || !(field in e.after)) continue;
      changes.push({ seq: e.seq, at: iso(e.at), actor: actor(e.actorId, e.actorRoles), field, from: e.before?.[field] ?? null, to: e.after[field] ?? null });
    }
  }
  return changes;
}

/** How each finding was resolved: by the change request that brought it under governance, or seen gone by a sync. */
function resolutionsOf(events: EvidenceAuditRow[], actor: (id: string, roles: string[]) => PackActor): Map<string, NonNullable<PackFinding['resolution']>> {
  const resolutions = new Map<string, NonNullable<PackFinding['resolution']>>();
  for (const e of events) {
    if (e.entityKind !== 'finding' || e.action !== 'finding.resolved') continue;
    const reason =
      stringOrNull(e.after?.reason) ??
      (e.actorId === 'system:findings' ? 'The condition was no longer observed at the vendor when the source was synced.' : `Resolved by ${e.actorId}.`);
    resolutions.set(e.entityId, { at: iso(e.at), by: actor(e.actorId, e.actorRoles), reason, seq: e.seq });
  }
  return resolutions;
}

function versionIdentity(version: ModelVersionRecord, source: PackSource): Omit<VersionSection, 'deployments' | 'lifecycleHistory' | 'changeRequests' | 'findings'> {
  return {
    id: version.id,
    globalId: toGlobalId('ModelVersion', version.id),
    version: version.version,
    externalId: version.externalId,
    description: version.description,
    source,
    deepLink: link('Open at the vendor', version.deepLink),
    createdBy: version.createdBy,
    vendorCreatedAt: isoOrNull(version.vendorCreatedAt),
    firstSeenAt: iso(version.firstSeenAt),
    deletedAt: isoOrNull(version.deletedAt),
    observedStage: version.observedStage,
    lifecycleState: version.lifecycleState,
    lifecycleChangedAt: isoOrNull(version.lifecycleChangedAt),
    lineage: lineageOf(version),
    metrics: version.metrics ?? [],
  };
}

function lineageOf(version: ModelVersionRecord): VersionLineage {
  const lineage = version.lineage ?? {};
  const datasets = Array.isArray(lineage.datasets) ? (lineage.datasets as Array<Record<string, unknown>>) : [];
  return {
    runId: stringOrNull(lineage.runId),
    experimentId: stringOrNull(lineage.projectId),
    experimentName: stringOrNull(lineage.projectName),
    commitId: stringOrNull(lineage.commitId),
    datasets: datasets.map((d) => ({ name: String(d.name ?? ''), digest: stringOrNull(d.digest), source: stringOrNull(d.source) })),
    artifactUri: version.artifactUri,
    params: version.params ?? {},
  };
}

function packDeployment(d: DeploymentRecord) {
  return {
    id: d.id,
    name: d.name,
    environment: d.environment,
    status: d.status,
    servingProduction: d.servingProduction,
    trafficShare: d.trafficShare,
    endpoint: d.endpointUrl ? link('Endpoint', d.endpointUrl) : null,
    deepLink: link('Open at the vendor', d.deepLink),
  };
}

function sourceLookup(sources: Array<SourceRecord | null>): (id: string) => PackSource {
  const byId = new Map(sources.filter((s): s is SourceRecord => s !== null).map((s) => [s.id, s]));
  return (id) => {
    const source = byId.get(id);
    return { id, globalId: toGlobalId('Source', id), name: source?.name ?? id, vendor: source?.vendor ?? 'unknown' };
  };
}

function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

function isoOrNull(value: Date | string | null | undefined): string | null {
  return value == null ? null : iso(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function uniqueBy<T>(values: T[], key: (value: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const value of values) if (!seen.has(key(value))) seen.set(key(value), value);
  return [...seen.values()];
}

function groupBy<T>(values: T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const list = groups.get(key(value));
    if (list) list.push(value);
    else groups.set(key(value), [value]);
  }
  return groups;
}

/** The request's delivery as a whole, rolled up from its outbox rows the way the API reports it. */
function writeBackOf(summary: WriteBackSummary) {
  return { status: summary.writeBackStatus, attempts: summary.writeBackAttempts, message: summary.writeBackMessage, at: isoOrNull(summary.writeBackAt) };
}
