/**
 * The hub as `hub start` wires it, with HUB_AUDIT_SIGNING_KEY: an applied change request is anchored by a signed
 * checkpoint at once (database and file sink), the maintenance job anchors the rest, and verifyAuditChain checks
 * the chain against them with the hub's own public key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { latestCheckpoint } from '../../../src/audit/checkpoints.js';
import { queryRows } from '../../../src/db/sql.js';
import { createJobHandlers } from '../../../src/jobs/handlers.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { person, seedModel, seedSource, seedVersion } from '../governance/governance-fixtures.js';
import { accepted } from '../../helpers/governance.js';

describe('audit checkpoints in a running hub', () => {
  let test: TestHub;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-checkpoints-'));
    const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    test = await startTestHub({ env: { HUB_AUDIT_SIGNING_KEY: key, HUB_AUDIT_CHECKPOINT_DIR: dir, HUB_AUDIT_CHECKPOINT_EVERY_EVENTS: '2' } });
  });
  afterAll(async () => {
    await test?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should sign a checkpoint covering an applied change the moment it applies, and verify against it', async () => {
    const { db } = test.database.handle;
    const { governance, audit } = test.hub.services;
    const sourceId = await seedSource(db);
    const modelId = await seedModel(db, sourceId, { riskTier: 'LOW' });
    const versionId = await seedVersion(db, { sourceId, modelId, state: 'DEVELOPMENT', createdBy: null });
    const request = await accepted(governance.changeRequests.requestLifecycleTransition(
      { modelVersionId: versionId, toState: 'VALIDATION', justification: 'Ready for validation.', evidence: [{ title: 'report', url: 'https://wiki.example.com/r/1' }] },
      person('ds-1', ['DATA_SCIENTIST']),
    ));
    expect(await latestCheckpoint(db)).toBeNull(); // opening a request is not an applied change
    const applied = await accepted(governance.decisions.approveChangeRequest(request.id, 'fine', person('val-1', ['VALIDATOR'])));
    expect(applied.status).toBe('APPLIED');

    const [head] = await queryRows<{ seq: number; hash: string }>(db, sql`select seq::int as seq, hash from audit_events order by seq desc limit 1`);
    const checkpoint = await latestCheckpoint(db);
    expect(checkpoint).toMatchObject({ seq: head.seq, headHash: head.hash });
    const lines = readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'));
    expect(lines.map((l) => JSON.parse(l))).toEqual([checkpoint]);

    const report = await audit.verify();
    expect(report).toMatchObject({ valid: true, signaturesChecked: true, checkpointsChecked: 1, lastAnchoredSeq: head.seq, lastVerifiedSeq: head.seq });
  });

  it('should anchor the newest events from the maintenance job once enough have arrived', async () => {
    const { db } = test.database.handle;
    const before = (await latestCheckpoint(db))!.seq;
    const actor = { id: 'system:test', roles: [] };
    await db.transaction((tx) =>
      new AuditRecorder().record(tx, [
        { actor, action: 'test.one', entityKind: 'test', entityId: 'a' },
        { actor, action: 'test.two', entityKind: 'test', entityId: 'b' },
      ]),
    );
    // The hub's own maintenance handler, given the hub's checkpointer as the composition root gives it.
    const handlers = createJobHandlers({
      sync: { runJob: async () => undefined as never, sweep: async () => ({ abandoned: [] }) as never },
      writeBacks: { deliver: async () => '', pendingDue: async () => [], nextAttemptAt: async () => null },
      governance: { expireDueRequests: async () => undefined },
      auditCheckpoints: test.hub.auditCheckpoints!,
      enqueueWriteBack: async () => undefined,
      logger: test.hub.logger,
    });
    await handlers.maintenance();
    expect((await latestCheckpoint(db))!.seq).toBe(before + 2);
    expect(await test.hub.services.audit.verify()).toMatchObject({ valid: true, checkpointsChecked: 2, lastAnchoredSeq: before + 2 });
  });
});
