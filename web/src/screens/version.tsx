import { useState, type FormEvent } from 'react';
import { graphql, type ResultOf } from '../api/graphql.ts';
import { useMutation, useQuery } from '../api/use-query.ts';
import { useViewer } from '../auth/viewer.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { EvidencePackButtons } from '../components/evidence-pack-button.tsx';
import { Person } from '../components/person.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { ProblemList } from '../components/problem-list.tsx';
import { FieldProblems } from '../components/problems.ts';
import { Badge, ExternalLink, Field, KeyValues, Loading, When, humanize } from '../components/ui.tsx';
import { Link, navigate } from '../routing/router.tsx';
import { RISK_TIERS, VENDOR_LABELS, stateTone } from './labels.ts';

const VersionQuery = graphql(`
  query VersionDetail($id: ID!) {
    node(id: $id) {
      __typename
      ... on ModelVersion {
        id version description vendor externalId observedStage observedStageRaw status statusRaw createdBy artifactUri
        lineage metrics { name value step timestamp kind } tags deepLink lifecycleState lifecycleChangedAt firstSeenAt lastChangedAt deletedAt
        vendorCreatedAt vendorAttributes allowedTransitions
        source { id name }
        model {
          id name riskTier businessUnit accountableOwner owner deepLink
          versions { id version lifecycleState }
        }
        deployments { id name environment status statusRaw servingProduction trafficShare endpointUrl deepLink }
        findings { id kind message openedAt resolvedAt }
        changeRequest { id }
        changeRequests {
          id fromState toState status statusReason requesterId createdAt decidedAt
          writeBackStatus writeBackMessage
          approvals { id decision slotRole approverId comment createdAt }
        }
      }
    }
  }
`);

const RequestTransition = graphql(`
  mutation RequestTransition($input: RequestLifecycleTransitionInput!) {
    requestLifecycleTransition(input: $input) { id status }
  }
`);

const SetGovernance = graphql(`
  mutation SetModelGovernance($modelId: ID!, $input: SetModelGovernanceInput!) {
    setModelGovernance(modelId: $modelId, input: $input) { id riskTier businessUnit accountableOwner }
  }
`);

type Version = Extract<NonNullable<ResultOf<typeof VersionQuery>['node']>, { __typename: 'ModelVersion' }>;

export function VersionScreen({ id }: { id: string }) {
  const result = useQuery(VersionQuery, { id });
  if (result.error) return <ErrorPanel error={result.error} title="Version unavailable" />;
  if (!result.data) return <Loading what="Loading the version" />;
  const node = result.data.node;
  if (!node || node.__typename !== 'ModelVersion') {
    return (
      <>
        <ScreenTitle>Version not found</ScreenTitle>
        <p>The hub has no model version with this id.</p>
      </>
    );
  }
  const version = node as Version;
  return <VersionDetail version={version} refetch={result.refetch} />;
}

function VersionDetail({ version, refetch }: { version: Version; refetch: () => Promise<void> }) {
  const { may } = useViewer();
  const title = `${version.model?.name ?? 'Unlisted model'} · version ${version.version}`;
  return (
    <>
      <ScreenTitle>{title}</ScreenTitle>
      <p className="summary-line">
        <Badge tone={stateTone(version.lifecycleState)}>Governed: {humanize(version.lifecycleState)}</Badge> <Badge>Vendor stage: {humanize(version.observedStage)}</Badge>{' '}
        {version.deletedAt ? <Badge tone="bad">Gone from the vendor</Badge> : null} {VENDOR_LABELS[version.vendor]} · source {version.source.name} ·{' '}
        <ExternalLink href={version.deepLink}>Open at the vendor</ExternalLink>
      </p>
      {version.description ? <p>{version.description}</p> : null}
      <section aria-label="Evidence packs for auditors" className="evidence-packs">
        <EvidencePackButtons path={`/reports/model-versions/${encodeURIComponent(version.id)}`} label="Evidence pack" />
        {version.model ? <EvidencePackButtons path={`/reports/models/${encodeURIComponent(version.model.id)}`} label="Model evidence pack" /> : null}
      </section>

      <div className="columns">
        <section aria-labelledby="governance-heading" className="card">
          <h2 id="governance-heading">Governance</h2>
          {version.model ? <ModelGovernance model={version.model} canEdit={may('classifyModels')} onSaved={refetch} /> : <p className="muted">The vendor has not listed this version’s model yet.</p>}
        </section>
        <section aria-labelledby="request-heading" className="card">
          <h2 id="request-heading">Change its state</h2>
          {version.changeRequest ? (
            <p>
              A change request is open for this version: <Link to={`/change-requests/${encodeURIComponent(version.changeRequest.id)}`}>see it and its approvals</Link>.
            </p>
          ) : may('requestTransition') ? (
            <TransitionForm version={version} />
          ) : (
            <p className="muted">Requesting a lifecycle change needs the DATA_SCIENTIST or OPERATOR role.</p>
          )}
        </section>
      </div>

      <section aria-labelledby="lineage-heading">
        <h2 id="lineage-heading">Lineage</h2>
        <KeyValues value={version.lineage} empty="The vendor exposes no lineage for this version." />
        <dl className="key-values">
          <div>
            <dt>Created by</dt>
            <dd>{version.createdBy ?? '—'}</dd>
          </div>
          <div>
            <dt>Artifact</dt>
            <dd>{version.artifactUri ?? '—'}</dd>
          </div>
          <div>
            <dt>Created at the vendor</dt>
            <dd>
              <When at={version.vendorCreatedAt} />
            </dd>
          </div>
          <div>
            <dt>External id</dt>
            <dd>
              <code>{version.externalId}</code>
            </dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="metrics-heading">
        <h2 id="metrics-heading">Metrics</h2>
        {version.metrics.length === 0 ? (
          <p className="muted">No metrics recorded.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
                <th scope="col">Kind</th>
                <th scope="col">Step</th>
                <th scope="col">Recorded</th>
              </tr>
            </thead>
            <tbody>
              {version.metrics.map((m) => (
                <tr key={`${m.kind}/${m.name}`}>
                  <th scope="row">{m.name}</th>
                  <td>{m.value}</td>
                  <td>{humanize(m.kind)}</td>
                  <td>{m.step ?? '—'}</td>
                  <td>{m.timestamp ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="deployments-heading">
        <h2 id="deployments-heading">Deployments</h2>
        {version.deployments.length === 0 ? (
          <p className="muted">Not deployed.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Environment</th>
                <th scope="col">Status</th>
                <th scope="col">Production traffic</th>
                <th scope="col">At the vendor</th>
              </tr>
            </thead>
            <tbody>
              {version.deployments.map((d) => (
                <tr key={d.id}>
                  <th scope="row">{d.name}</th>
                  <td>{d.environment ?? '—'}</td>
                  <td>
                    {humanize(d.status)}
                    {d.statusRaw ? <span className="muted"> ({d.statusRaw})</span> : null}
                  </td>
                  <td>{d.servingProduction ? <Badge tone="good">Yes{d.trafficShare !== null ? ` (${Math.round(d.trafficShare * 100)}%)` : ''}</Badge> : 'No'}</td>
                  <td>
                    <ExternalLink href={d.deepLink}>Open</ExternalLink>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="findings-heading">
        <h2 id="findings-heading">Findings</h2>
        {version.findings.length === 0 ? (
          <p className="muted">No findings.</p>
        ) : (
          <ul className="plain findings-list">
            {version.findings.map((f) => (
              <li key={f.id}>
                <Badge tone={f.resolvedAt ? 'neutral' : 'warn'}>{f.resolvedAt ? 'Resolved' : 'Open'}</Badge> <strong>{humanize(f.kind)}</strong>: {f.message} <span className="muted">(opened <When at={f.openedAt} />)</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Governance history</h2>
        {version.changeRequests.length === 0 ? (
          <p className="muted">No change requests yet.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Requested</th>
                <th scope="col">Change</th>
                <th scope="col">Status</th>
                <th scope="col">Requester</th>
                <th scope="col">Decisions</th>
                <th scope="col">Write-back to the vendor</th>
              </tr>
            </thead>
            <tbody>
              {version.changeRequests.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <Link to={`/change-requests/${encodeURIComponent(r.id)}`}>
                      <When at={r.createdAt} />
                    </Link>
                  </th>
                  <td>
                    {humanize(r.fromState)} → {humanize(r.toState)}
                  </td>
                  <td>
                    <Badge tone={stateTone(r.status)}>{humanize(r.status)}</Badge>
                    {r.statusReason ? <span className="muted"> {r.statusReason}</span> : null}
                  </td>
                  <td>
                    <Person id={r.requesterId} />
                  </td>
                  <td>
                    {r.approvals.length === 0 ? (
                      <span className="muted">None yet</span>
                    ) : (
                      <ul className="plain">
                        {r.approvals.map((a) => (
                          <li key={a.id}>
                            {a.decision === 'APPROVE' ? 'Approved' : 'Rejected'} by <Person id={a.approverId} /> as {a.slotRole}
                            {a.comment ? `: “${a.comment}”` : ''}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{r.writeBackStatus ? <Badge tone={stateTone(r.writeBackStatus)}>{humanize(r.writeBackStatus)}</Badge> : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="vendor-heading">
        <h2 id="vendor-heading">Vendor attributes</h2>
        <KeyValues value={version.tags} empty="No tags." />
        <details>
          <summary>The raw vendor record</summary>
          <pre className="json-block">{JSON.stringify(version.vendorAttributes, null, 2)}</pre>
        </details>
      </section>
    </>
  );
}

function ModelGovernance({ model, canEdit, onSaved }: { model: NonNullable<Version['model']>; canEdit: boolean; onSaved: () => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [riskTier, setRiskTier] = useState(model.riskTier ?? '');
  const [businessUnit, setBusinessUnit] = useState(model.businessUnit ?? '');
  const [owner, setOwner] = useState(model.accountableOwner ?? '');
  const save = useMutation(SetGovernance);
  const problems = FieldProblems.of(save.error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await save.run({
      modelId: model.id,
      input: { riskTier: (riskTier || null) as (typeof RISK_TIERS)[number] | null, businessUnit: businessUnit.trim() || null, accountableOwner: owner.trim() || null },
    });
    if (done) {
      setEditing(false);
      await onSaved();
    }
  };

  if (!editing) {
    return (
      <>
        <dl className="key-values">
          <div>
            <dt>Model</dt>
            <dd>
              {model.name} <ExternalLink href={model.deepLink}>Open at the vendor</ExternalLink>
            </dd>
          </div>
          <div>
            <dt>Risk tier</dt>
            <dd>{model.riskTier ? humanize(model.riskTier) : 'Unclassified'}</dd>
          </div>
          <div>
            <dt>Business unit</dt>
            <dd>{model.businessUnit ?? '—'}</dd>
          </div>
          <div>
            <dt>Accountable owner</dt>
            <dd>{model.accountableOwner ?? '—'}</dd>
          </div>
          <div>
            <dt>Owner at the vendor</dt>
            <dd>{model.owner ?? '—'}</dd>
          </div>
        </dl>
        {canEdit ? (
          <button type="button" onClick={() => setEditing(true)}>
            Classify the model
          </button>
        ) : null}
      </>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <Field label="Risk tier" problem={problems.for('riskTier')}>
        {(props) => (
          <select {...props} value={riskTier} onChange={(e) => setRiskTier(e.target.value)}>
            <option value="">Unclassified</option>
            {RISK_TIERS.map((tier) => (
              <option key={tier} value={tier}>
                {humanize(tier)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Business unit" problem={problems.for('businessUnit')}>
        {(props) => <input {...props} value={businessUnit} onChange={(e) => setBusinessUnit(e.target.value)} />}
      </Field>
      <Field label="Accountable owner" hint="A name or email; the owner cannot validate the model." problem={problems.for('accountableOwner')}>
        {(props) => <input {...props} value={owner} onChange={(e) => setOwner(e.target.value)} />}
      </Field>
      <ErrorPanel error={save.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.running}>
          Save classification
        </button>
        <button type="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface EvidenceRow {
  title: string;
  url: string;
}

function TransitionForm({ version }: { version: Version }) {
  const targets = version.allowedTransitions;
  const [toState, setToState] = useState<string>(targets[0] ?? '');
  const [justification, setJustification] = useState('');
  const [evidence, setEvidence] = useState<EvidenceRow[]>([{ title: '', url: '' }]);
  const [replaces, setReplaces] = useState('');
  const request = useMutation(RequestTransition);
  const problems = FieldProblems.of(request.error);
  if (targets.length === 0) return <p className="muted">This version is {humanize(version.lifecycleState)}; it cannot move to another state.</p>;

  const champions = (version.model?.versions ?? []).filter((v) => v.lifecycleState === 'PRODUCTION' && v.id !== version.id);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await request.run({
      input: {
        modelVersionId: version.id,
        toState: toState as Version['lifecycleState'],
        justification: justification.trim(),
        evidence: evidence.filter((e) => e.title.trim() || e.url.trim()).map((e) => ({ title: e.title.trim(), url: e.url.trim() })),
        replacesVersionId: toState === 'PRODUCTION' && replaces ? replaces : null,
      },
    });
    if (created) navigate(`/change-requests/${encodeURIComponent(created.requestLifecycleTransition.id)}`);
  };

  const update = (index: number, change: Partial<EvidenceRow>) => setEvidence(evidence.map((row, i) => (i === index ? { ...row, ...change } : row)));
  return (
    <form onSubmit={submit} noValidate aria-describedby="request-explainer">
      <p id="request-explainer" className="muted">
        The change applies once every approval its policy asks for is given, never by you.
      </p>
      <Field label="Move to" problem={problems.for('toState')}>
        {(props) => (
          <select {...props} value={toState} onChange={(e) => setToState(e.target.value)}>
            {targets.map((state) => (
              <option key={state} value={state}>
                {humanize(state)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {toState === 'PRODUCTION' && champions.length > 0 ? (
        <Field label="Replaces the production version" hint="The replaced version is retired in the same change." problem={problems.for('replacesVersionId')}>
          {(props) => (
            <select {...props} value={replaces} onChange={(e) => setReplaces(e.target.value)}>
              <option value="">None (serve side by side)</option>
              {champions.map((v) => (
                <option key={v.id} value={v.id}>
                  Version {v.version}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <Field label="Justification" hint="Why the change is needed; approvers read this first." problem={problems.for('justification')}>
        {(props) => <textarea {...props} rows={4} value={justification} onChange={(e) => setJustification(e.target.value)} />}
      </Field>
      <fieldset className="evidence">
        <legend>Evidence links</legend>
        {evidence.map((row, index) => (
          <div className="evidence-row" key={index}>
            <Field label={`Evidence ${index + 1} title`} problem={problems.for(`evidence.${index}.title`)}>
              {(props) => <input {...props} value={row.title} onChange={(e) => update(index, { title: e.target.value })} />}
            </Field>
            <Field label={`Evidence ${index + 1} link`} problem={problems.for(`evidence.${index}.url`) ?? problems.for(`evidence.${index}`)}>
              {(props) => <input {...props} type="url" inputMode="url" placeholder="https://" value={row.url} onChange={(e) => update(index, { url: e.target.value })} />}
            </Field>
            {evidence.length > 1 ? (
              <button type="button" className="link-button" onClick={() => setEvidence(evidence.filter((_, i) => i !== index))}>
                Remove evidence {index + 1}
              </button>
            ) : null}
          </div>
        ))}
        <button type="button" onClick={() => setEvidence([...evidence, { title: '', url: '' }])}>
          Add another link
        </button>
      </fieldset>
      <ProblemList problems={problems} />
      <ErrorPanel error={request.error} />
      <button type="submit" className="primary" disabled={request.running}>
        Request the change
      </button>
    </form>
  );
}
