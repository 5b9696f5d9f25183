/**
 * The evidence pack service on both drivers (PostgreSQL and the embedded PGlite): its raw reads (audit events, outbox,
 * key names) must give the same document whichever stores the data. Also the proof's states without a checkpoint
 * and with one, through the injected lookup.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { queryRows } from '../../../src/db/sql.js';
import { InventoryReadService } from '../../../src/inventory/inventory-read.service.js';
import { EvidencePackService, type CheckpointLookup } from '../../../src/reports/evidence-pack.service.js';
import { DRIVERS, type TestDatabase } from '../../helpers/db.js';
import { governanceFor, person, seedModel, seedSource, seedVersion } from '../governance/governance-fixtures.js';
import { accepted } from '../../helpers/governance.js';

const viewer = { id: 'sso|ivy', displayName: 'Ivy Auditor' };

describe.each(DRIVERS)('EvidencePackService on %s', (_driver, createDatabase) => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createDatabase();
  }, 120_000);

  afterEach(async () => {
    await database?.drop();
  });

  it('should assemble the request, its decision, its receipt row and the proof from the audit trail', async () => {
    const { db } = database.handle;
    const { service: governance } = await governanceFor(db);
    const sourceId = await seedSource(db);
    const modelId = await seedModel(db, sourceId, { riskTier: 'LOW' });
    const versionId = await seedVersion(db, { sourceId, modelId, version: '7' });
    const request = await accepted(governance.changeRequests.requestLifecycleTransition(
      { modelVersionId: versionId, toState: 'VALIDATION', justification: 'Ready.', evidence: [{ title: 'Report', url: 'https://wiki.example.com/r' }] },
      person('sso|dana', ['DATA_SCIENTIST'], 'Dana Scientist'),
    ));
    await accepted(governance.decisions.approveChangeRequest(request.id, 'Fine by me.', person('sso|victor', ['VALIDATOR'], 'Victor Validator')));

    let checkpoint: Awaited<ReturnType<CheckpointLookup>> = null;
    const asked: number[] = [];
    const packs = new EvidencePackService({
      db,
      inventory: new InventoryReadService(db),
      findCheckpointCovering: async (seq) => {
        asked.push(seq);
        return checkpoint;
      },
    });
    const pack = (await packs.modelVersionPack(versionId, viewer))!;
    expect(pack.version.version).toBe('7');
    const [evidence] = pack.version.changeRequests;
    expect(evidence).toMatchObject({ id: request.id, status: 'APPLIED', justification: 'Ready.', requester: { name: 'Dana Scientist' } });
    expect(evidence.approvals.map((a) => [a.approver.name, a.comment])).toEqual([['Victor Validator', 'Fine by me.']]);
    expect(evidence.receipts).toMatchObject([{ modelVersionId: versionId, fromState: 'DEVELOPMENT', toState: 'VALIDATION', status: 'PENDING', attempts: 0 }]);

    const [head] = await queryRows<{ seq: string; hash: string }>(db, sql`select seq::text as seq, hash from audit_events order by audit_events.seq desc limit 1`);
    expect(pack.proof).toMatchObject({ status: 'AWAITING_CHECKPOINT', lastEvent: { seq: Number(head.seq), hash: head.hash }, checkpoint: null });
    expect(asked).toEqual([Number(head.seq)]);
    expect(pack.auditTrail.every((e) => typeof e.seq === 'number' && e.actor.roles.length > 0)).toBe(true);

    checkpoint = { seq: Number(head.seq) + 5, headHash: 'f'.repeat(64), signedAt: '2026-03-02T09:00:00.000Z', keyId: 'k'.repeat(64), signature: 'c2ln' };
    const covered = (await packs.modelVersionPack(versionId, viewer))!;
    expect(covered.proof).toMatchObject({ status: 'COVERED', checkpoint });
  });

  it('should say NO_EVENTS for a version nobody has governed, and null for an unknown one', async () => {
    const { db } = database.handle;
    const sourceId = await seedSource(db);
    const modelId = await seedModel(db, sourceId);
    const versionId = await seedVersion(db, { sourceId, modelId });
    const packs = new EvidencePackService({ db, inventory: new InventoryReadService(db), findCheckpointCovering: async () => null });
    const pack = (await packs.modelVersionPack(versionId, viewer))!;
    expect(pack.proof.status).toBe('NO_EVENTS');
    expect(pack.version.changeRequests).toEqual([]);
    expect(await packs.modelVersionPack('00000000-0000-4000-8000-000000000000', viewer)).toBeNull();
    expect(await packs.modelPack('00000000-0000-4000-8000-000000000000', viewer)).toBeNull();
    // A view of the pack is recorded apart from the record: it does not become the record's last event.
    await db.transaction((tx) => new AuditRecorder().record(tx, { actor: { id: 'sso|ivy', roles: ['VIEWER'] }, action: 'evidence_pack.viewed', entityKind: 'evidence_pack', entityId: versionId }));
    expect((await packs.modelVersionPack(versionId, viewer))!.proof.status).toBe('NO_EVENTS');
  });
});
