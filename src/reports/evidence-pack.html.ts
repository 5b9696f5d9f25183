import type {
  ChangeRequestEvidence,
  EvidencePack,
  PackMetric,
  GovernanceChange,
  ModelSection,
  PackActor,
  PackAuditEvent,
  PackFinding,
  PackLink,
  PackProof,
  VersionSection,
} from './evidence-pack.js';
import { html, type SafeHtml } from './html.js';

/** Where the pack's stylesheet is served (the console's CSP allows styles from the hub itself only, never inline). */
export const EVIDENCE_PACK_STYLESHEET_PATH = '/reports/evidence-pack.css';

/**
 * The evidence pack as a printable HTML page: no script, one stylesheet from the hub, every value escaped. It renders
 * the JSON document and nothing else, so the two can never disagree.
 */
export function renderEvidencePack(pack: EvidencePack): string {
  const title =
    pack.kind === 'ModelVersionEvidencePack'
      ? `Evidence pack: ${pack.model?.name ?? pack.version.externalId} · version ${pack.version.version}`
      : `Evidence pack: ${pack.model.name} (all versions)`;
  const jsonHref = pack.kind === 'ModelVersionEvidencePack' ? `/reports/model-versions/${pack.version.globalId}?format=json` : `/reports/models/${pack.model.globalId}?format=json`;
  const body =
    pack.kind === 'ModelVersionEvidencePack'
      ? html`${pack.model ? modelSection(pack.model, 2) : html`<section><h2>Model</h2><p>The vendor has not listed this version's model.</p></section>`}
          ${versionSection(pack.version, 2, false)}`
      : html`${modelSection(pack.model, 2)}
          <section aria-labelledby="versions">
            <h2 id="versions">Versions (${pack.versions.length})</h2>
            ${pack.versions.length === 0 ? html`<p>The hub has seen no version of this model.</p>` : pack.versions.map((v) => versionSection(v, 3, true))}
          </section>`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="${EVIDENCE_PACK_STYLESHEET_PATH}">
</head>
<body>
<main class="pack">
<header class="pack-header">
  <p class="kicker">ModelOps hub · evidence pack for auditors</p>
  <h1>${title}</h1>
  <dl class="facts">
    <div><dt>Generated</dt><dd>${time(pack.generatedAt)}</dd></div>
    <div><dt>For</dt><dd>${pack.generatedFor.name} <span class="muted">(${pack.generatedFor.id})</span></dd></div>
    <div><dt>Proof</dt><dd>${proofBadge(pack.proof)}</dd></div>
    <div data-needs-credential><dt>Machine-readable</dt><dd><a href="${jsonHref}">JSON of this pack</a> (schema version ${pack.schemaVersion})</dd></div>
  </dl>
  <p class="no-print muted">Print this page (Ctrl+P / ⌘P) to save it as a PDF.</p>
</header>
${body}
${proofSection(pack.proof)}
${auditTrailSection(pack.auditTrail)}
</main>
</body>
</html>
`;
  return page.value;
}

function modelSection(model: ModelSection, level: number): SafeHtml {
  return html`<section aria-labelledby="model-${model.id}">
  ${heading(level, `model-${model.id}`, `Model: ${model.name}`)}
  <dl class="facts">
    ${fact('Vendor', model.source.vendor)}
    ${fact('Source', model.source.name)}
    ${fact('Vendor id', html`<code>${model.externalId}</code>`)}
    ${fact('At the vendor', linkTo(model.deepLink))}
    ${fact('Description', model.description)}
    ${fact('Owner named by the vendor', model.vendorOwner)}
    ${fact('Risk tier', model.riskTier ?? html`<span class="muted">Unclassified</span>`)}
    ${fact('Business unit', model.businessUnit)}
    ${fact('Accountable owner', model.accountableOwner ?? html`<span class="muted">None</span>`)}
    ${model.deletedAt ? fact('Gone from the vendor since', time(model.deletedAt)) : null}
    ${fact('Hub id', html`<code>${model.globalId}</code>`)}
  </dl>
  ${heading(level + 1, null, 'Risk tier and owner history')}
  ${governanceTable(model.governanceHistory)}
  ${model.findings.length ? html`${heading(level + 1, null, 'Findings about the model')}${findingsTable(model.findings)}` : null}
</section>`;
}

function versionSection(version: VersionSection, level: number, withTitle: boolean): SafeHtml {
  const sub = level + 1;
  const { lineage } = version;
  return html`<section class="version" aria-labelledby="version-${version.id}">
  ${heading(level, `version-${version.id}`, withTitle ? `Version ${version.version}` : `Version ${version.version}: identity and lineage`)}
  <dl class="facts">
    ${fact('Governed state', html`<strong>${version.lifecycleState}</strong>${version.lifecycleChangedAt ? html` since ${time(version.lifecycleChangedAt)}` : null}`)}
    ${fact('Stage at the vendor', version.observedStage)}
    ${fact('Vendor', version.source.vendor)}
    ${fact('Source', version.source.name)}
    ${fact('Vendor id', html`<code>${version.externalId}</code>`)}
    ${fact('At the vendor', linkTo(version.deepLink))}
    ${fact('Description', version.description)}
    ${fact('Created by', version.createdBy)}
    ${fact('Created at the vendor', version.vendorCreatedAt ? time(version.vendorCreatedAt) : null)}
    ${fact('First seen by the hub', time(version.firstSeenAt))}
    ${version.deletedAt ? fact('Gone from the vendor since', time(version.deletedAt)) : null}
    ${fact('Hub id', html`<code>${version.globalId}</code>`)}
  </dl>
  ${heading(sub, null, 'Lineage')}
  <dl class="facts">
    ${fact('Training run', lineage.runId ? html`<code>${lineage.runId}</code>` : html`<span class="muted">Not recorded by the vendor</span>`)}
    ${fact('Experiment', lineage.experimentName || lineage.experimentId ? html`${lineage.experimentName ?? ''} ${lineage.experimentId ? html`<code>${lineage.experimentId}</code>` : null}` : html`<span class="muted">Not recorded</span>`)}
    ${fact('Code revision', lineage.commitId ? html`<code>${lineage.commitId}</code>` : html`<span class="muted">Not recorded</span>`)}
    ${fact('Artifact', lineage.artifactUri ? html`<code>${lineage.artifactUri}</code>` : null)}
    ${fact(
      'Training data',
      lineage.datasets.length
        ? html`<ul>${lineage.datasets.map((d) => html`<li>${d.name}${d.source ? html` from <code>${d.source}</code>` : null}${d.digest ? html` (digest <code>${d.digest}</code>)` : null}</li>`)}</ul>`
        : html`<span class="muted">Not recorded</span>`,
    )}
  </dl>
  ${keyValueTable('Parameters', version.lineage.params)}
  ${metricsTable(version.metrics)}
  ${version.deployments.length ? html`${heading(sub, null, 'Deployments')}${deploymentsTable(version)}` : null}
  ${heading(sub, null, 'Lifecycle history')}
  ${
    version.lifecycleHistory.length
      ? html`<table><thead><tr><th scope="col">When</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Applied by</th><th scope="col">Change request</th><th scope="col">Audit seq</th></tr></thead><tbody>
      ${version.lifecycleHistory.map((h) => html`<tr><td>${time(h.at)}</td><td>${h.from}</td><td>${h.to}</td><td>${actor(h.actor)}</td><td>${h.changeRequestId ? html`<code>${h.changeRequestId}</code>` : '—'}</td><td>${h.seq}</td></tr>`)}
      </tbody></table>`
      : html`<p class="muted">No governed state change yet: the version is in its initial state.</p>`
  }
  ${heading(sub, null, `Change requests (${version.changeRequests.length})`)}
  ${version.changeRequests.length ? version.changeRequests.map((r, i) => changeRequest(r, i + 1, sub + 1)) : html`<p class="muted">No change request has been opened for this version.</p>`}
  ${heading(sub, null, 'Findings')}
  ${version.findings.length ? findingsTable(version.findings) : html`<p class="muted">No finding has been raised about this version or its deployments.</p>`}
</section>`;
}

function changeRequest(request: ChangeRequestEvidence, number: number, level: number): SafeHtml {
  const policy = request.policy;
  const needs = policy.requirements.map((r) => `${r.count} × ${r.role}`).join(', ') || 'none';
  return html`<article class="request" aria-labelledby="request-${request.id}">
  ${heading(level, `request-${request.id}`, `Request ${number}: ${request.fromState} → ${request.toState} · ${request.status}`)}
  ${request.relation === 'REPLACED' ? html`<p class="note">This request promoted another version and retired this one as the replaced champion.</p>` : null}
  <dl class="facts">
    ${fact('Requested by', actor(request.requester))}
    ${fact('Opened', time(request.createdAt))}
    ${fact('Decided', request.decidedAt ? time(request.decidedAt) : html`<span class="muted">Not yet (expires ${time(request.expiresAt)})</span>`)}
    ${request.statusReason ? fact('Outcome', request.statusReason) : null}
    ${fact('Request id', html`<code>${request.globalId}</code>`)}
  </dl>
  <h${level + 1} class="label">Justification</h${level + 1}>
  <blockquote class="justification">${request.justification}</blockquote>
  <h${level + 1} class="label">Evidence</h${level + 1}>
  ${request.evidence.length ? html`<ul class="evidence">${request.evidence.map((e) => html`<li>${linkTo(e)}</li>`)}</ul>` : html`<p class="muted">No evidence link was given.</p>`}
  <h${level + 1} class="label">Policy applied (snapshot when opened)</h${level + 1}>
  <p>Needs ${needs}. Policy <code>${policy.policyId ?? '—'}</code> revision ${policy.revision ?? '—'}, for ${policy.toState ?? request.toState} at tier ${policy.policyRiskTier ?? '—'}; the model's tier was ${policy.modelRiskTier ?? 'unclassified'}.</p>
  <h${level + 1} class="label">Approvers</h${level + 1}>
  ${
    request.approvals.length
      ? html`<table class="approvals"><thead><tr><th scope="col">Approver</th><th scope="col">Slot</th><th scope="col">Decision</th><th scope="col">When</th><th scope="col">Comment</th></tr></thead><tbody>
      ${request.approvals.map((a) => html`<tr><td>${actor(a.approver)}</td><td>${a.slotIndex === null ? `${a.slotRole} (no slot)` : `${a.slotRole} #${a.slotIndex + 1}`}</td><td><strong>${a.decision}</strong></td><td>${time(a.at)}</td><td class="text">${a.comment ?? html`<span class="muted">—</span>`}</td></tr>`)}
      </tbody></table>`
      : html`<p class="muted">No decision recorded.</p>`
  }
  <h${level + 1} class="label">Write-back to the vendor</h${level + 1}>
  ${
    request.receipts.length
      ? html`<p>Overall: <strong>${request.writeBack.status ?? '—'}</strong> after ${request.writeBack.attempts} attempt(s)${request.writeBack.at ? html`, last ${time(request.writeBack.at)}` : null}.</p>
      <table class="receipts"><thead><tr><th scope="col">Change</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Vendor's answer</th><th scope="col">Done</th></tr></thead><tbody>
      ${request.receipts.map((r) => html`<tr><td>${r.fromState} → ${r.toState}${r.modelVersionId !== request.modelVersionId ? html` <span class="muted">(replaced version)</span>` : null}</td><td><strong>${r.status}</strong></td><td>${r.attempts}</td><td class="text">${r.message ?? r.lastError ?? html`<span class="muted">—</span>`}</td><td>${r.doneAt ? time(r.doneAt) : html`<span class="muted">not yet</span>`}</td></tr>`)}
      </tbody></table>`
      : html`<p class="muted">${request.status === 'APPLIED' ? 'No write-back was queued.' : 'Nothing to write back: the request was not applied.'}</p>`
  }
</article>`;
}

function governanceTable(history: GovernanceChange[]): SafeHtml {
  if (history.length === 0) return html`<p class="muted">Never changed: no risk tier, business unit or accountable owner has been set through the hub.</p>`;
  const label: Record<string, string> = { riskTier: 'Risk tier', businessUnit: 'Business unit', accountableOwner: 'Accountable owner' };
  return html`<table><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">From</th><th scope="col">To</th><th scope="col">By</th><th scope="col">Audit seq</th></tr></thead><tbody>
  ${history.map((h) => html`<tr><td>${time(h.at)}</td><td>${label[h.field] ?? h.field}</td><td>${display(h.from)}</td><td>${display(h.to)}</td><td>${actor(h.actor)}</td><td>${h.seq}</td></tr>`)}
  </tbody></table>`;
}

function findingsTable(findings: PackFinding[]): SafeHtml {
  return html`<table class="findings"><thead><tr><th scope="col">Finding</th><th scope="col">Opened</th><th scope="col">Resolved</th><th scope="col">How</th></tr></thead><tbody>
  ${findings.map(
    (f) => html`<tr><td><strong>${f.kind}</strong> <span class="muted">(${f.entityKind})</span><br>${f.message}</td><td>${time(f.openedAt)}</td>
      <td>${f.resolvedAt ? time(f.resolvedAt) : html`<strong>Open</strong>`}</td>
      <td class="text">${f.resolution ? html`${f.resolution.reason} <span class="muted">(${actor(f.resolution.by)}, audit seq ${f.resolution.seq})</span>` : f.resolvedAt ? 'Resolved (no audit event found)' : '—'}</td></tr>`,
  )}
  </tbody></table>`;
}

function deploymentsTable(version: VersionSection): SafeHtml {
  return html`<table><thead><tr><th scope="col">Deployment</th><th scope="col">Environment</th><th scope="col">Serving production</th><th scope="col">Traffic</th><th scope="col">Status</th><th scope="col">At the vendor</th></tr></thead><tbody>
  ${version.deployments.map(
    (d) => html`<tr><td>${d.name}</td><td>${d.environment}</td><td>${d.servingProduction ? 'Yes' : 'No'}</td><td>${d.trafficShare == null ? '—' : `${Math.round(d.trafficShare * 100)} %`}</td><td>${d.status ?? '—'}</td><td>${linkTo(d.deepLink)}</td></tr>`,
  )}
  </tbody></table>`;
}

function metricsTable(metrics: readonly PackMetric[]): SafeHtml | null {
  if (metrics.length === 0) return null;
  return html`<table class="metrics"><caption>Metrics</caption><thead><tr><th scope="col">Metric</th><th scope="col">Value</th><th scope="col">Kind</th><th scope="col">Step</th><th scope="col">Logged</th></tr></thead><tbody>${metrics.map(
    (m) => html`<tr><th scope="row"><code>${m.name}</code></th><td>${display(m.value)}</td><td>${m.kind}</td><td>${m.step === null ? '' : String(m.step)}</td><td>${m.timestamp ? time(m.timestamp) : ''}</td></tr>`,
  )}</tbody></table>`;
}

function keyValueTable(title: string, values: Record<string, unknown>): SafeHtml | null {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return null;
  return html`<table class="key-values"><caption>${title}</caption><tbody>${entries.map(([k, v]) => html`<tr><th scope="row"><code>${k}</code></th><td>${display(v)}</td></tr>`)}</tbody></table>`;
}

function proofSection(proof: PackProof): SafeHtml {
  const checkpoint = proof.checkpoint;
  return html`<section class="proof" aria-labelledby="proof">
  <h2 id="proof">Proof: the signed audit checkpoint</h2>
  ${
    proof.lastEvent
      ? html`<p>The last audit event of this record is <strong>seq ${proof.lastEvent.seq}</strong> (${proof.lastEvent.action}, ${time(proof.lastEvent.at)}), hash <code class="hash">${proof.lastEvent.hash}</code>.</p>`
      : html`<p>The audit trail holds no event about this record: nothing about it has been governed yet.</p>`
  }
  ${
    checkpoint
      ? html`<dl class="facts checkpoint">
      ${fact('Checkpoint covers events up to seq', String(checkpoint.seq))}
      ${fact('Head hash', html`<code class="hash">${checkpoint.headHash}</code>`)}
      ${fact('Signed at', time(checkpoint.signedAt))}
      ${fact('Key id (SHA-256 of the Ed25519 public key)', html`<code class="hash">${checkpoint.keyId}</code>`)}
      ${fact('Signature (Ed25519, base64)', html`<code class="hash">${checkpoint.signature}</code>`)}
    </dl>`
      : proof.status === 'AWAITING_CHECKPOINT'
        ? html`<p class="note">No signed checkpoint covers seq ${proof.lastEvent?.seq ?? '—'} yet: the hub signs one after every applied change and at regular intervals. Generate the pack again later for the proof.</p>`
        : null
  }
  <h3>How to verify</h3>
  <ol>${proof.verification.steps.map((step) => html`<li>${step}</li>`)}</ol>
  <pre class="commands">${proof.verification.commands.join('\n')}</pre>
</section>`;
}

function auditTrailSection(events: PackAuditEvent[]): SafeHtml {
  return html`<section class="appendix" aria-labelledby="audit-trail">
  <h2 id="audit-trail">Appendix: audit events of this record (${events.length})</h2>
  ${
    events.length
      ? html`<table class="audit"><thead><tr><th scope="col">Seq</th><th scope="col">When</th><th scope="col">Action</th><th scope="col">By</th><th scope="col">Hash</th></tr></thead><tbody>
      ${events.map((e) => html`<tr><td>${e.seq}</td><td>${time(e.at)}</td><td>${e.action}</td><td>${actor(e.actor)}</td><td><code class="hash short">${e.hash}</code></td></tr>`)}
      </tbody></table>`
      : html`<p class="muted">None.</p>`
  }
</section>`;
}

function heading(level: number, id: string | null, text: string): SafeHtml {
  const n = Math.min(Math.max(level, 2), 6);
  return id ? html`<h${n} id="${id}">${text}</h${n}>` : html`<h${n}>${text}</h${n}>`;
}

function fact(term: string, value: SafeHtml | string | null | undefined): SafeHtml | null {
  if (value === null || value === undefined || value === '') return null;
  return html`<div><dt>${term}</dt><dd>${value}</dd></div>`;
}

function actor(who: PackActor): SafeHtml {
  return who.name === who.id ? html`<span class="actor">${who.name}</span>` : html`<span class="actor">${who.name}</span> <span class="muted">(${who.id})</span>`;
}

/** A link only when it is http(s) (checked when the pack was built); anything else is shown as text. */
function linkTo(link: PackLink | null): SafeHtml | string | null {
  if (!link) return null;
  if (!link.url) return html`${link.title}: <code>${link.given}</code> <span class="muted">(not a web link)</span>`;
  return html`<a href="${link.url}" rel="noopener noreferrer">${link.title}</a> <span class="url">${link.url}</span>`;
}

function time(value: string): SafeHtml {
  return html`<time datetime="${value}">${value.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC')}</time>`;
}

function display(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function proofBadge(proof: PackProof): SafeHtml {
  if (proof.status === 'COVERED') return html`<strong>Signed checkpoint at seq ${proof.checkpoint!.seq}</strong> covers this record`;
  if (proof.status === 'AWAITING_CHECKPOINT') return html`<strong>Awaiting the next signed checkpoint</strong>`;
  return html`No audit events`;
}
