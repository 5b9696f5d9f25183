/**
 * The evidence pack: one model version's (or one model's) whole governance record as an auditor reads it, and the
 * proof that the record is the one the hub signed. This is the JSON document `/reports/...?format=json` returns; the
 * printable HTML (evidence-pack.html.ts) renders exactly this document and nothing else.
 *
 * Timestamps are ISO-8601 strings (UTC). Ids are the database uuids beside the API's global ids, so a reader can
 * look a record up in GraphQL (`node(id:)`) or in the database.
 */

/** Bumped when a field changes meaning or goes away (adding fields does not bump it). */
export const EVIDENCE_PACK_SCHEMA_VERSION = 1;

/** How an auditor checks a pack's proof (the same in every pack). */
export const VERIFY_INSTRUCTIONS: { commands: string[]; steps: string[] } = {
  commands: ['hub audit public-key > audit-signing.pub.pem', 'hub audit verify --checkpoints DIR --public-key audit-signing.pub.pem'],
  steps: [
    'Obtain the hub\'s audit public key from its operator (or run "hub audit public-key"). The key id printed here is the SHA-256 of its raw 32-byte Ed25519 key; a checkpoint signed by any other key does not verify.',
    'Take the checkpoint files from the write-once store they are shipped to (HUB_AUDIT_CHECKPOINT_DIR), not from the hub\'s database.',
    'Run "hub audit verify --checkpoints DIR --public-key FILE" against the database (or a restored dump): it recomputes every hash and checks each checkpoint\'s signature.',
    'Check that the verified checkpoint with the sequence number shown here has the head hash shown here: the events of this pack, up to the last one listed, are then the ones the hub signed.',
  ],
};

/** Who acted, as the audit trail and the governance tables recorded it. */
/** One metric as the vendor reported it. */
export interface PackMetric {
  name: string;
  value: number;
  step: number | null;
  timestamp: string | null;
  kind: 'TRAINING' | 'VALIDATION' | 'PRODUCTION';
}

export interface PackActor {
  /** Stable identity segregation of duties compares (`key:<id>`, an SSO subject, `system:<component>`). */
  id: string;
  /** The name recorded beside it when they acted (the id when none was recorded). */
  name: string;
  roles: string[];
}

export interface PackSource {
  id: string;
  globalId: string;
  name: string;
  vendor: string;
}

/** A link as the vendor or a person gave it; `url` is null when it is not an http(s) URL (never rendered as a link). */
export interface PackLink {
  title: string;
  url: string | null;
  /** The text as given, when it was refused as a URL. */
  given: string;
}

export interface GovernanceChange {
  seq: number;
  at: string;
  actor: PackActor;
  /** riskTier | businessUnit | accountableOwner */
  field: string;
  from: unknown;
  to: unknown;
}

export interface PackFinding {
  id: string;
  globalId: string;
  kind: string;
  /** model | version | deployment */
  entityKind: string;
  entityId: string;
  message: string;
  openedAt: string;
  resolvedAt: string | null;
  /** How it was resolved, from the audit event that resolved it (null while open). */
  resolution: { at: string; by: PackActor; reason: string; seq: number } | null;
}

export interface PackApproval {
  /** APPROVE | REJECT */
  decision: string;
  slotRole: string;
  /** Null for a late rejection (a VALIDATOR rejecting after the VALIDATOR slot was filled): it fills no slot. */
  slotIndex: number | null;
  approver: PackActor;
  comment: string | null;
  at: string;
}

/** One row of the write-back outbox: what the vendor was told, and what it answered. */
export interface WriteBackReceipt {
  modelVersionId: string;
  fromState: string;
  toState: string;
  /** PENDING | IN_PROGRESS | DONE | FAILED | UNSUPPORTED */
  status: string;
  attempts: number;
  /** The vendor's account of the change, or why it failed. */
  message: string | null;
  lastError: string | null;
  queuedAt: string;
  doneAt: string | null;
}

export interface PolicySnapshotEvidence {
  policyId: string | null;
  revision: number | null;
  toState: string | null;
  /** The policy row's tier ('*' for any tier). */
  policyRiskTier: string | null;
  /** The model's tier when the request was opened. */
  modelRiskTier: string | null;
  requirements: Array<{ role: string; count: number }>;
}

export interface ChangeRequestEvidence {
  id: string;
  globalId: string;
  /** TARGET: the request moved this version; REPLACED: promoting another version retired this one. */
  relation: 'TARGET' | 'REPLACED';
  modelVersionId: string;
  replacesVersionId: string | null;
  fromState: string;
  toState: string;
  /** PENDING | APPLIED | REJECTED | CANCELLED | EXPIRED | SUPERSEDED */
  status: string;
  statusReason: string | null;
  requester: PackActor;
  justification: string;
  evidence: PackLink[];
  policy: PolicySnapshotEvidence;
  createdAt: string;
  decidedAt: string | null;
  expiresAt: string;
  approvals: PackApproval[];
  writeBack: { status: string | null; attempts: number; message: string | null; at: string | null };
  receipts: WriteBackReceipt[];
}

export interface LifecycleChange {
  seq: number;
  at: string;
  actor: PackActor;
  from: string | null;
  to: string | null;
  changeRequestId: string | null;
}

export interface PackDeployment {
  id: string;
  name: string;
  environment: string;
  status: string | null;
  servingProduction: boolean;
  trafficShare: number | null;
  endpoint: PackLink | null;
  deepLink: PackLink | null;
}

export interface VersionLineage {
  runId: string | null;
  experimentId: string | null;
  experimentName: string | null;
  commitId: string | null;
  datasets: Array<{ name: string; digest: string | null; source: string | null }>;
  artifactUri: string | null;
  params: Record<string, string>;
}

export interface VersionSection {
  id: string;
  globalId: string;
  version: string;
  externalId: string;
  description: string | null;
  source: PackSource;
  deepLink: PackLink | null;
  createdBy: string | null;
  vendorCreatedAt: string | null;
  firstSeenAt: string;
  /** Set when the vendor no longer lists it (tombstoned). */
  deletedAt: string | null;
  observedStage: string;
  lifecycleState: string;
  lifecycleChangedAt: string | null;
  lineage: VersionLineage;
  /** What the vendor reported, typed (see docs/metrics-and-status.md). */
  metrics: PackMetric[];
  deployments: PackDeployment[];
  lifecycleHistory: LifecycleChange[];
  /** Oldest first. */
  changeRequests: ChangeRequestEvidence[];
  findings: PackFinding[];
}

export interface ModelSection {
  id: string;
  globalId: string;
  name: string;
  description: string | null;
  externalId: string;
  source: PackSource;
  deepLink: PackLink | null;
  /** The owner the vendor names (not governed). */
  vendorOwner: string | null;
  riskTier: string | null;
  businessUnit: string | null;
  accountableOwner: string | null;
  deletedAt: string | null;
  /** Risk tier, business unit and accountable owner over time, oldest first. */
  governanceHistory: GovernanceChange[];
  findings: PackFinding[];
}

/** One audit event the pack rests on (the appendix, and the proof's anchor). */
export interface PackAuditEvent {
  seq: number;
  at: string;
  action: string;
  entityKind: string;
  entityId: string;
  actor: PackActor;
  hash: string;
}

/** The signed checkpoint of the audit chain (anchor's contract: src/audit/checkpoints.ts). */
export interface PackCheckpoint {
  seq: number;
  headHash: string;
  signedAt: string;
  keyId: string;
  signature: string;
}

export interface PackProof {
  /**
   * COVERED: a signed checkpoint covers the last event of this record; AWAITING_CHECKPOINT: the last event is newer
   * than every checkpoint (the next one will cover it); NO_EVENTS: the audit trail holds nothing about it.
   */
  status: 'COVERED' | 'AWAITING_CHECKPOINT' | 'NO_EVENTS';
  lastEvent: { seq: number; hash: string; at: string; action: string } | null;
  checkpoint: PackCheckpoint | null;
  /** How an auditor checks the proof without trusting the hub's database. */
  verification: { commands: string[]; steps: string[] };
}

interface PackHeader {
  schemaVersion: number;
  generatedAt: string;
  /** Who asked for the pack. */
  generatedFor: { id: string; name: string };
  /** Every audit event the pack rests on, oldest first. */
  auditTrail: PackAuditEvent[];
  proof: PackProof;
}

export interface ModelVersionEvidencePack extends PackHeader {
  kind: 'ModelVersionEvidencePack';
  /** Null when the vendor has not listed the version's model (yet). */
  model: ModelSection | null;
  version: VersionSection;
}

export interface ModelEvidencePack extends PackHeader {
  kind: 'ModelEvidencePack';
  model: ModelSection;
  /** Every version the hub has known of the model (tombstoned ones too), by version number. */
  versions: VersionSection[];
}

export type EvidencePack = ModelVersionEvidencePack | ModelEvidencePack;
