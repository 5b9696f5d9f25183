/**
 * Evidence packs over real HTTP: a real hub (PostgreSQL, in-process jobs delivering write-backs to the MLflow
 * simulator), a version walked to PRODUCTION by named people, and a hostile vendor. Checks who may read a pack, the
 * refusals and their codes, the JSON document's content (request, approvals, policy, write-back receipts, findings and
 * their resolution, history, proof), and that the HTML escapes every hostile value and needs no inline script or style.
 */
import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointSigner } from '../../../src/audit/checkpoint-signature.js';
import { chainHead, findCheckpointCovering, insertCheckpoint, verifyCheckpointSignature } from '../../../src/audit/checkpoints.js';
import { queryRows } from '../../../src/db/sql.js';
import { toGlobalId } from '../../../src/global-id.js';
import type { ModelEvidencePack, ModelVersionEvidencePack } from '../../../src/reports/evidence-pack.js';
import { HOSTILE_DEEP_LINK, HOSTILE_JUSTIFICATION, HOSTILE_MODEL_NAME, governedVersionStory, writeBacksSettled, type GovernedStory } from '../../helpers/evidence-story.js';
import { createPersonWithKey } from '../../helpers/people.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';

let hub: TestHub;
let url: string;
let viewerKey: string;
let roleLessKey: string;
let story: GovernedStory;
/** The hub's audit signing key, chosen by the test so it can check the pack's signature. */
const signingKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signer = CheckpointSigner.fromPem(signingKeyPem);

beforeAll(async () => {
  hub = await startTestHub({ http: true, env: { SYNC_LISTING_THREADS: '0', HUB_AUDIT_SIGNING_KEY: signingKeyPem } });
  url = hub.http!.url;
  await hub.hub.startWorkers();
  const { source } = await hub.addSimulatorSource('mlflow', { models: 2, versionsPerModel: 2, deployments: 1, seed: 17, enabled: false });
  const run = await hub.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
  if (run.status !== 'ran' || run.run.status !== 'SUCCEEDED') throw new Error(`seed sync failed: ${JSON.stringify(run)}`);
  const { db } = hub.hub.database;
  story = await governedVersionStory(db, hub.hub.services.governance, source.id);
  await writeBacksSettled(db, story.versionId);
  viewerKey = (await createPersonWithKey(hub.hub.services, { name: 'Ivy Auditor', roles: ['VIEWER'] })).key;
  const roleLess = await createPersonWithKey(hub.hub.services, { name: 'Legacy integration', roles: ['VIEWER'] });
  roleLessKey = roleLess.key;
  // A key whose only role this hub no longer knows: authenticated, but holding no role.
  await db.execute(sql`update api_keys set roles = array['AUDITOR_V1'] where id = ${roleLess.row.id}::uuid`);
}, 300_000);

afterAll(async () => {
  await hub?.close();
});

const versionPath = () => `/reports/model-versions/${toGlobalId('ModelVersion', story.versionId)}`;

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const asViewer = (extra: Record<string, string> = {}) => ({ 'x-api-key': viewerKey, ...extra });

function errorCode(text: string): string {
  return (JSON.parse(text) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code;
}

describe('evidence pack routes', () => {
  describe('access', () => {
    it('should refuse a request without credentials with 401 UNAUTHENTICATED', async () => {
      const response = await get(versionPath(), { accept: 'text/html' });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(errorCode(response.text)).toBe('UNAUTHENTICATED');
    });

    it('should refuse an unknown API key with 401', async () => {
      const response = await get(versionPath(), { 'x-api-key': 'mh_not_a_real_key_0000000000000000' });
      expect(response.status).toBe(401);
      expect(errorCode(response.text)).toBe('UNAUTHENTICATED');
    });

    it('should refuse a credential holding no role with 403 FORBIDDEN', async () => {
      const response = await get(versionPath(), { authorization: `Bearer ${roleLessKey}` });
      expect(response.status).toBe(403);
      expect(errorCode(response.text)).toBe('FORBIDDEN');
    });

    it('should serve the stylesheet without a credential (it holds no data)', async () => {
      const response = await get('/reports/evidence-pack.css');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(response.text).toContain('@media print');
    });
  });

  describe('ids', () => {
    it('should answer 400 BAD_USER_INPUT for an id that is not one', async () => {
      const response = await get('/reports/model-versions/not-an-id!', asViewer());
      expect(response.status).toBe(400);
      expect(errorCode(response.text)).toBe('BAD_USER_INPUT');
    });

    it('should answer 400 for the id of another type (a Model id where a version is wanted)', async () => {
      const response = await get(`/reports/model-versions/${toGlobalId('Model', story.modelId)}`, asViewer());
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text).errors[0].message).toContain('expected ModelVersion');
    });

    it('should answer 404 NOT_FOUND for an id nobody has', async () => {
      for (const path of [`/reports/model-versions/${toGlobalId('ModelVersion', '00000000-0000-4000-8000-000000000000')}`, '/reports/models/00000000-0000-4000-8000-000000000000']) {
        const response = await get(path, asViewer());
        expect(response.status, path).toBe(404);
        expect(errorCode(response.text)).toBe('NOT_FOUND');
      }
    });

    it('should answer 405 to anything but GET and HEAD, and HEAD without a body', async () => {
      const post = await fetch(`${url}${versionPath()}`, { method: 'POST', headers: asViewer() });
      expect(post.status).toBe(405);
      expect(errorCode(await post.text())).toBe('METHOD_NOT_ALLOWED');
      const head = await fetch(`${url}${versionPath()}`, { method: 'HEAD', headers: asViewer() });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await head.text()).toBe('');
    });

    it('should answer 404 for a report that does not exist and 400 for an unknown format', async () => {
      expect((await get('/reports/sources/x', asViewer())).status).toBe(404);
      const badFormat = await get(`${versionPath()}?format=pdf`, asViewer());
      expect(badFormat.status).toBe(400);
      expect(errorCode(badFormat.text)).toBe('BAD_USER_INPUT');
    });
  });

  describe('JSON', () => {
    let pack: ModelVersionEvidencePack;

    beforeAll(async () => {
      const response = await get(versionPath(), asViewer({ accept: 'application/json' }));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      pack = JSON.parse(response.text) as ModelVersionEvidencePack;
    });

    it('should give the same document for ?format=json as for Accept: application/json', async () => {
      const response = await get(`${versionPath()}?format=json`, asViewer());
      const again = JSON.parse(response.text) as ModelVersionEvidencePack;
      expect({ ...again, generatedAt: null }).toEqual({ ...pack, generatedAt: null });
    });

    it('should say who the version is: vendor, source, lineage, and the hostile link as text only', () => {
      expect(pack.kind).toBe('ModelVersionEvidencePack');
      expect(pack.generatedFor.name).toBe('Ivy Auditor');
      expect(pack.version.id).toBe(story.versionId);
      expect(pack.version.source.vendor).toBe('mlflow');
      expect(pack.version.lifecycleState).toBe('PRODUCTION');
      expect(pack.version.lineage.runId).toEqual(expect.any(String));
      expect(pack.version.deepLink).toEqual({ title: 'Open at the vendor', url: null, given: HOSTILE_DEEP_LINK });
      expect(pack.model?.name).toBe(HOSTILE_MODEL_NAME);
    });

    it('should show the risk tier and owner history with who set them', () => {
      const history = pack.model!.governanceHistory;
      expect(history.map((h) => [h.field, h.from, h.to, h.actor.name])).toEqual([
        ['riskTier', null, 'MEDIUM', 'Rita Risk'],
        ['businessUnit', null, 'Retail credit', 'Rita Risk'],
        ['accountableOwner', null, 'olga@example.com', 'Rita Risk'],
      ]);
    });

    it('should list every change request with justification, evidence, policy snapshot and approvers', () => {
      const requests = pack.version.changeRequests;
      expect(requests.map((r) => [r.fromState, r.toState, r.status])).toEqual([
        ['DEVELOPMENT', 'VALIDATION', 'APPLIED'],
        ['VALIDATION', 'APPROVED', 'APPLIED'],
        ['APPROVED', 'PRODUCTION', 'APPLIED'],
      ]);
      const production = requests[2];
      expect(production.id).toBe(story.productionRequestId);
      expect(production.justification).toBe(HOSTILE_JUSTIFICATION);
      expect(production.requester).toEqual({ id: 'sso|dana', name: 'Dana Scientist', roles: ['DATA_SCIENTIST'] });
      expect(production.evidence).toEqual([{ title: 'PRODUCTION report', url: 'https://wiki.example.com/validation/production', given: 'https://wiki.example.com/validation/production' }]);
      expect(production.policy).toMatchObject({ toState: 'PRODUCTION', policyRiskTier: 'MEDIUM', modelRiskTier: 'MEDIUM', requirements: [{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 1 }] });
      expect(production.approvals.map((a) => [a.approver.name, a.approver.roles, a.slotRole, a.decision, a.comment])).toEqual([
        ['Victor Validator', ['VALIDATOR'], 'VALIDATOR', 'APPROVE', 'Validated on the Q3 holdout.'],
        ['Rita Risk', ['RISK_OFFICER'], 'RISK_OFFICER', 'APPROVE', 'Risk accepted for Q3 <b>only</b>.'],
      ]);
      for (const approval of production.approvals) expect(Date.parse(approval.at)).toBeGreaterThan(Date.parse(production.createdAt) - 1);
    });

    it("should carry the vendor's write-back receipts from the outbox", () => {
      const production = pack.version.changeRequests[2];
      expect(production.writeBack.status).toBe('DONE');
      expect(production.receipts).toHaveLength(1);
      const [receipt] = production.receipts;
      expect(receipt).toMatchObject({ modelVersionId: story.versionId, fromState: 'APPROVED', toState: 'PRODUCTION', status: 'DONE' });
      expect(receipt.message).toEqual(expect.any(String));
      expect(receipt.message!.length).toBeGreaterThan(0);
      expect(Date.parse(receipt.doneAt!)).not.toBeNaN();
    });

    it('should show the finding and how it was resolved', () => {
      const finding = pack.version.findings.find((f) => f.id === story.findingId)!;
      expect(finding.kind).toBe('UNGOVERNED_PRODUCTION');
      expect(finding.resolvedAt).not.toBeNull();
      expect(finding.resolution?.reason).toBe(`Brought under governance by change request ${story.productionRequestId}.`);
      expect(finding.resolution?.by.name).toBe('Rita Risk');
    });

    it('should show the lifecycle history and the audit events it rests on', () => {
      expect(pack.version.lifecycleHistory.map((h) => [h.from, h.to])).toEqual([
        ['DEVELOPMENT', 'VALIDATION'],
        ['VALIDATION', 'APPROVED'],
        ['APPROVED', 'PRODUCTION'],
      ]);
      const actions = pack.auditTrail.map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['model.governance_updated', 'change_request.opened', 'change_request.approved', 'change_request.applied', 'write_back.done', 'finding.resolved']));
      const seqs = pack.auditTrail.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    });

    it('should anchor the proof on the last audit event of the record, with how to verify it', async () => {
      const last = pack.auditTrail.at(-1)!;
      expect(pack.proof.lastEvent).toMatchObject({ seq: last.seq, hash: last.hash });
      const [stored] = await queryRows<{ hash: string }>(hub.hub.database.db, sql`select hash from audit_events where seq = ${last.seq}`);
      expect(stored.hash).toBe(last.hash);
      expect(pack.proof.verification.commands.join('\n')).toContain('hub audit verify --checkpoints DIR --public-key');
    });
  });

  describe('proof', () => {
    it('should show the signed checkpoint covering the last event, whose signature verifies with the hub key', async () => {
      const { db } = hub.hub.database;
      const path = `${versionPath()}?format=json`;
      const first = JSON.parse((await get(path, asViewer())).text) as ModelVersionEvidencePack;
      const lastSeq = first.proof.lastEvent!.seq;
      // The hub signs after applied changes; sign the head here too, so a checkpoint covers the record either way.
      if (!(await findCheckpointCovering(db, lastSeq))) {
        const head = (await chainHead(db))!;
        await insertCheckpoint(db, signer.sign(head.seq, head.hash));
      }
      const pack = JSON.parse((await get(path, asViewer())).text) as ModelVersionEvidencePack;
      expect(pack.proof.status).toBe('COVERED');
      const checkpoint = pack.proof.checkpoint!;
      expect(checkpoint).toEqual(await findCheckpointCovering(db, lastSeq));
      expect(checkpoint.seq).toBeGreaterThanOrEqual(lastSeq);
      expect(checkpoint.keyId).toBe(signer.keyId);
      expect(verifyCheckpointSignature(checkpoint, signer.publicKeyPem)).toBe(true);
      const [event] = await queryRows<{ hash: string }>(db, sql`select hash from audit_events where seq = ${checkpoint.seq}`);
      expect(checkpoint.headHash).toBe(event.hash);
      const page = (await get(versionPath(), asViewer())).text;
      for (const value of [checkpoint.signature, checkpoint.headHash, checkpoint.keyId]) expect(page).toContain(value);
    });
  });

  describe('HTML', () => {
    it('should be the default, under the hub CSP, with every hostile value escaped and no script', async () => {
      const response = await get(versionPath(), asViewer());
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      const page = response.text;
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page).not.toContain(HOSTILE_MODEL_NAME);
      expect(page).not.toMatch(/<script/i);
      expect(page).not.toContain('<img src=x');
      expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
      expect(page).toContain('Risk accepted for Q3 &lt;b&gt;only&lt;/b&gt;.');
      expect(page).not.toMatch(/href="javascript:/i);
      expect(page).not.toMatch(/\sstyle=/i);
      expect(page).toContain('<link rel="stylesheet" href="/reports/evidence-pack.css">');
      for (const name of ['Victor Validator', 'Rita Risk', 'Dana Scientist']) expect(page).toContain(name);
      expect(page).toContain('hub audit verify --checkpoints DIR --public-key');
    });

    it('should serve HTML to a browser navigation even when it also accepts anything', async () => {
      const response = await get(versionPath(), asViewer({ accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }));
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    });
  });

  describe('model pack', () => {
    it('should cover every version of the model, by raw uuid as well as global id', async () => {
      const byUuid = JSON.parse((await get(`/reports/models/${story.modelId}?format=json`, asViewer())).text) as ModelEvidencePack;
      const byGlobalId = JSON.parse((await get(`/reports/models/${toGlobalId('Model', story.modelId)}?format=json`, asViewer())).text) as ModelEvidencePack;
      expect(byUuid.kind).toBe('ModelEvidencePack');
      expect(byUuid.versions.map((v) => v.id)).toEqual(byGlobalId.versions.map((v) => v.id));
      expect(byUuid.versions).toHaveLength(2);
      const governed = byUuid.versions.find((v) => v.id === story.versionId)!;
      expect(governed.changeRequests).toHaveLength(3);
      const other = byUuid.versions.find((v) => v.id !== story.versionId)!;
      expect(other.changeRequests).toEqual([]);
      const html = await get(`/reports/models/${story.modelId}`, asViewer());
      expect(html.text).toContain('Evidence pack: &lt;script&gt;alert(1)&lt;/script&gt; (all versions)');
    });
  });

  describe('audit', () => {
    it("should record each pack served as the reader's evidence_pack.viewed event, outside the record's own trail", async () => {
      const before = JSON.parse((await get(`${versionPath()}?format=json`, asViewer())).text) as ModelVersionEvidencePack;
      const views = await queryRows<{ actor_id: string; after: { subject: string; format: string } }>(
        hub.hub.database.db,
        sql`select actor_id, after from audit_events where action = 'evidence_pack.viewed' and entity_id = ${story.versionId} order by seq`,
      );
      expect(views.length).toBeGreaterThanOrEqual(2);
      expect(views.at(-1)!.after).toEqual({ subject: 'model_version', format: 'json' });
      expect(views.at(-1)!.actor_id).toMatch(/^key:/);
      const after = JSON.parse((await get(`${versionPath()}?format=json`, asViewer())).text) as ModelVersionEvidencePack;
      expect(after.proof.lastEvent).toEqual(before.proof.lastEvent);
    });
  });
});
