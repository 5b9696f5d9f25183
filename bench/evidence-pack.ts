/**
 * Evidence pack bench (issue 17): a version with 200 change requests (each opened by a data scientist and approved by
 * a validator through the governance service, so every approval, audit event and outbox row is the real one), its
 * write-back receipts settled, then the pack served over real HTTP by the hub's route (authentication, assembly,
 * rendering, audit of the view) as HTML and as JSON. Target: the HTML pack in under a second (median of the warm runs).
 *
 * Run: node --import @swc-node/register/esm-register bench/evidence-pack.ts [--requests 200] [--runs 15]
 * Env: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), or DATABASE_URL to use a given database.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { AuditRecorder } from '../src/audit/audit-recorder.js';
import type { Principal } from '../src/auth/principal.js';
import { queryRows } from '../src/db/sql.js';
import { createGovernanceServices, type GovernanceServices } from '../src/governance/governance-services.js';
import { seedDefaultPolicies } from '../src/governance/policy.repository.js';
import { toGlobalId } from '../src/global-id.js';
import { InventoryReadService } from '../src/inventory/inventory-read.service.js';
import { createLogger } from '../src/logger.js';
import { EvidencePackService } from '../src/reports/evidence-pack.service.js';
import { renderEvidencePack } from '../src/reports/evidence-pack.html.js';
import { auditReportViews } from '../src/reports/report-view-audit.js';
import { createReportsRoute } from '../src/reports/reports.route.js';
import { findCheckpointCovering } from '../src/audit/checkpoints.js';
import { emitBenchResult, printFigures, timed } from './lib/report.js';
import { benchDatabase } from './lib/scratch-database.js';
import { accepted } from '../tests/helpers/governance.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '200' }, runs: { type: 'string', default: '15' } } });
const REQUESTS = Number(values.requests);
const RUNS = Number(values.runs);

const scientist: Principal = { id: 'bench|dana', personId: null, displayName: 'Dana Scientist', roles: ['DATA_SCIENTIST'], kind: 'jwt' };
const validator: Principal = { id: 'bench|victor', personId: null, displayName: 'Victor Validator', roles: ['VALIDATOR'], kind: 'jwt' };
const risk: Principal = { id: 'bench|rita', personId: null, displayName: 'Rita Risk', roles: ['RISK_OFFICER'], kind: 'jwt' };
const auditor: Principal = { id: 'bench|ivy', personId: null, displayName: 'Ivy Auditor', roles: ['VIEWER'], kind: 'jwt' };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const database = await benchDatabase();
  const handle = await database.open(4);
  const { db } = handle;
  try {
    await seedDefaultPolicies(db);
    const governance = createGovernanceServices({ db, audit: new AuditRecorder(), enqueueWriteBack: async () => undefined, logger: quiet, changeRequestTtlDays: 14 });
    const [{ id: sourceId }] = await queryRows<{ id: string }>(db, sql`insert into sources (vendor, name) values ('mlflow', ${`bench-${randomUUID().slice(0, 8)}`}) returning id::text as id`);
    const [{ id: modelId }] = await queryRows<{ id: string }>(db, sql`insert into models (source_id, external_id, name, content_hash) values (${sourceId}::uuid, 'credit-risk', 'credit-risk', 'h') returning id::text as id`);
    const [{ id: versionId }] = await queryRows<{ id: string }>(
      db,
      sql`insert into model_versions (source_id, model_id, external_id, model_external_id, version, version_number, content_hash, lineage, params)
        values (${sourceId}::uuid, ${modelId}::uuid, 'credit-risk/1', 'credit-risk', '1', 1, 'h', ${JSON.stringify({ runId: 'run-1', projectName: 'credit' })}::jsonb, '{"max_depth":"6"}'::jsonb)
        returning id::text as id`,
    );
    await governance.attributes.setModelGovernance(modelId, { riskTier: 'MEDIUM', accountableOwner: 'olga@example.com' }, risk);

    // Validation and back, over and over: each request is opened, approved and applied (with its outbox row).
    const seeded = await timed(async () => {
      for (let i = 0; i < REQUESTS; i++) {
        const toState = i % 2 === 0 ? 'VALIDATION' : 'DEVELOPMENT';
        const request = await accepted(governance.changeRequests.requestLifecycleTransition(
          { modelVersionId: versionId, toState, justification: `Round ${i}: retrained on the latest month; see the report.`, evidence: [{ title: `Report ${i}`, url: `https://wiki.example.com/reports/${i}` }] },
          scientist,
        ));
        await accepted(governance.decisions.approveChangeRequest(request.id, `Reviewed round ${i}.`, validator));
      }
    });
    // The vendor's receipts, as the write-back worker leaves them.
    await db.execute(sql`update write_back_outbox set status = 'DONE', attempts = 1, message = 'MLflow: set tag modelops.lifecycle', done_at = now()`);
    console.log(`seeded ${REQUESTS} approved requests on one version in ${(seeded.ms / 1000).toFixed(1)} s`);

    const packs = new EvidencePackService({ db, inventory: new InventoryReadService(db), findCheckpointCovering: (seq) => findCheckpointCovering(db, seq) });
    const route = createReportsRoute({ packs, authenticate: async () => auditor, recordView: auditReportViews(db, new AuditRecorder()), logger: createLogger('silent') });
    const server = createServer((req, res) => void route.handle(req, res, (req.url ?? '/').split('?')[0]));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const fetchPack = async (path: string, accept: string) => {
      const response = await fetch(`${base}${path}`, { headers: { accept } });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${body.slice(0, 200)}`);
      return body;
    };
    const versionPath = `/reports/model-versions/${toGlobalId('ModelVersion', versionId)}`;
    const modelPath = `/reports/models/${toGlobalId('Model', modelId)}`;

    const cold = await timed(() => fetchPack(versionPath, 'text/html'));
    const requestsShown = (cold.result.match(/<article class="request"/g) ?? []).length;
    if (requestsShown !== REQUESTS) throw new Error(`the pack shows ${requestsShown} requests, expected ${REQUESTS}`);
    const html: number[] = [];
    const json: number[] = [];
    const model: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      html.push((await timed(() => fetchPack(versionPath, 'text/html'))).ms);
      json.push((await timed(() => fetchPack(versionPath, 'application/json'))).ms);
      model.push((await timed(() => fetchPack(modelPath, 'text/html'))).ms);
    }
    const assembled = await timed(() => packs.modelVersionPack(versionId, auditor));
    const rendered = await timed(async () => renderEvidencePack(assembled.result!));
    const viewAudit = await timed(() => auditReportViews(db, new AuditRecorder())({ principal: auditor, subject: 'model_version', id: versionId, format: 'html', requestId: 'bench' }));
    server.close();

    const verdicts = printFigures(`evidence pack: one version with ${REQUESTS} requests (${RUNS} warm runs each, over HTTP)`, [
      { name: 'html_median_ms', value: Math.round(median(html)), unit: 'ms', target: REQUESTS >= 200 ? { op: '<=', value: 1000 } : undefined },
      { name: 'html_max_ms', value: Math.round(Math.max(...html)), unit: 'ms' },
      { name: 'html_cold_ms', value: Math.round(cold.ms), unit: 'ms' },
      { name: 'json_median_ms', value: Math.round(median(json)), unit: 'ms' },
      { name: 'model_pack_html_median_ms', value: Math.round(median(model)), unit: 'ms' },
      { name: 'assembly_only_ms', value: Math.round(assembled.ms), unit: 'ms' },
      { name: 'render_only_ms', value: Math.round(rendered.ms), unit: 'ms' },
      { name: 'view_audit_ms', value: Math.round(viewAudit.ms), unit: 'ms' },
      { name: 'html_bytes', value: cold.result.length, unit: 'B' },
    ]);
    emitBenchResult('evidence-pack', verdicts, { requests: REQUESTS });
  } finally {
    await handle.close();
    await database.dispose();
  }
}

await main();
