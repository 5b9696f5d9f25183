import { useEffect, useState, type FormEvent } from 'react';
import { graphql, type ResultOf } from '../api/graphql.ts';
import { useMutation, useQuery } from '../api/use-query.ts';
import { useViewer } from '../auth/viewer.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { ScreenTitle } from '../components/layout.tsx';
import { ProblemList } from '../components/problem-list.tsx';
import { FieldProblems } from '../components/problems.ts';
import { credentialKinds, fieldsOf, fromText, hintFor, toText, type JsonSchema, type SchemaField } from '../components/schema-form.ts';
import { Badge, Field, KeyValues, Loading, When, humanize } from '../components/ui.tsx';
import { Link, navigate } from '../routing/router.tsx';
import { VENDORS, VENDOR_LABELS, stateTone } from './labels.ts';


const SourceQuery = graphql(`
  query SourceDetail($id: ID!) {
    node(id: $id) {
      __typename
      ... on Source {
        id name vendor settings hasSecret secretUpdatedAt scheduleSeconds enabled lastRunStatus lastRunAt lastSuccessAt createdAt updatedAt deletedAt
        runs { id trigger status startedAt finishedAt seen created updated unchanged deleted failed pages error }
      }
    }
  }
`);

const VendorsQuery = graphql(`
  query SourceVendors {
    sourceVendors { vendor label settingsSchema secretSchema }
  }
`);

const CreateSource = graphql(`
  mutation CreateSource($input: CreateSourceInput!) {
    createSource(input: $input) { id }
  }
`);

const UpdateSource = graphql(`
  mutation UpdateSource($id: ID!, $input: UpdateSourceInput!) {
    updateSource(id: $id, input: $input) { changedFields source { id } }
  }
`);

const TestConnection = graphql(`
  mutation TestSourceConnection($id: ID!) {
    testSourceConnection(id: $id) { ok message details }
  }
`);

const TriggerSync = graphql(`
  mutation TriggerSync($id: ID!) {
    triggerSync(id: $id) { alreadyRunning run { id status } }
  }
`);

const SetEnabled = graphql(`
  mutation SetSourceEnabled($id: ID!, $enabled: Boolean!) {
    setSourceEnabled(id: $id, enabled: $enabled) { id enabled }
  }
`);

const RunProgress = graphql(`
  query SyncRunProgress($id: ID!) {
    node(id: $id) {
      __typename
      ... on SyncRun { id status seen created updated unchanged deleted failed pages finishedAt error }
    }
  }
`);

type Source = Extract<NonNullable<ResultOf<typeof SourceQuery>['node']>, { __typename: 'Source' }>;
type VendorName = (typeof VENDORS)[number];

export function SourceScreen({ id }: { id: string | null }) {
  if (id === null) {
    return (
      <>
        <ScreenTitle>Add a source</ScreenTitle>
        <SourceForm source={null} onSaved={(savedId) => navigate(`/sources/${encodeURIComponent(savedId)}`)} />
      </>
    );
  }
  return <ExistingSource id={id} />;
}

function ExistingSource({ id }: { id: string }) {
  const result = useQuery(SourceQuery, { id });
  const { may } = useViewer();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  if (result.error && !result.data) return <ErrorPanel error={result.error} title="Source unavailable" />;
  if (!result.data) return <Loading what="Loading the source" />;
  const node = result.data.node;
  if (!node || node.__typename !== 'Source') {
    return (
      <>
        <ScreenTitle>Source not found</ScreenTitle>
        <p>The hub has no source with this id.</p>
      </>
    );
  }
  const source = node as Source;
  const operator = may('manageSources') && !source.deletedAt;
  return (
    <>
      <ScreenTitle>{`Source ${source.name}`}</ScreenTitle>
      <p className="summary-line">
        {VENDOR_LABELS[source.vendor]} · {source.enabled ? <Badge tone="good">Scheduled every {formatSeconds(source.scheduleSeconds)}</Badge> : <Badge tone="warn">Disabled</Badge>}{' '}
        <Badge tone={stateTone(source.lastRunStatus)}>Last run: {source.lastRunStatus ?? 'never'}</Badge> {source.deletedAt ? <Badge tone="bad">Deleted</Badge> : null}
      </p>
      {saved ? (
        <p className="notice" role="status">
          {saved}
        </p>
      ) : null}
      {editing ? (
        <section className="card" aria-labelledby="edit-heading">
          <h2 id="edit-heading">Edit the source</h2>
          <SourceForm
            source={source}
            onSaved={async (_id, changed) => {
              setEditing(false);
              setSaved(changed.length ? `Saved. Changed: ${changed.join(', ')}.` : 'Saved. Nothing changed.');
              await result.refetch();
            }}
            onCancel={() => setEditing(false)}
          />
        </section>
      ) : (
        <div className="columns">
          <section className="card" aria-labelledby="settings-heading">
            <h2 id="settings-heading">Settings</h2>
            <KeyValues value={source.settings} />
            <p>
              Credential: {source.hasSecret ? <>stored, write-only (set <When at={source.secretUpdatedAt} />)</> : 'none'}
            </p>
            {operator ? (
              <button type="button" onClick={() => setEditing(true)}>
                Edit the source
              </button>
            ) : null}
          </section>
          {operator ? <SourceActions source={source} onChanged={result.refetch} /> : null}
        </div>
      )}
      <RunHistory source={source} />
    </>
  );
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function SourceActions({ source, onChanged }: { source: Source; onChanged: () => Promise<void> }) {
  const test = useMutation(TestConnection);
  const trigger = useMutation(TriggerSync);
  const toggle = useMutation(SetEnabled);
  const [runId, setRunId] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Operate</h2>
      <div className="form-actions">
        <button type="button" disabled={test.running} onClick={() => void test.run({ id: source.id })}>
          {test.running ? 'Testing the connection…' : 'Test the connection'}
        </button>
        <button
          type="button"
          className="primary"
          disabled={trigger.running}
          onClick={async () => {
            const started = await trigger.run({ id: source.id });
            if (started) setRunId(started.triggerSync.run.id);
          }}
        >
          Sync now
        </button>
        <button
          type="button"
          disabled={toggle.running}
          onClick={async () => {
            if (await toggle.run({ id: source.id, enabled: !source.enabled })) await onChanged();
          }}
        >
          {source.enabled ? 'Disable scheduled syncs' : 'Enable scheduled syncs'}
        </button>
      </div>
      <ErrorPanel error={test.error ?? trigger.error ?? toggle.error} />
      {test.data ? (
        <div className={test.data.testSourceConnection.ok ? 'notice notice-good' : 'notice notice-bad'} role="status" data-testid="connection-result">
          <p>
            <strong>{test.data.testSourceConnection.ok ? 'Connection works.' : 'Connection failed.'}</strong> {test.data.testSourceConnection.message}
          </p>
          <KeyValues value={test.data.testSourceConnection.details} empty="" />
        </div>
      ) : null}
      {trigger.data?.triggerSync.alreadyRunning ? <p className="muted">A run was already queued or running; showing its progress.</p> : null}
      {runId ? <SyncProgress runId={runId} onFinished={onChanged} /> : null}
    </section>
  );
}

/** Polls the run until it finishes; the counts grow as batches are written. */
function SyncProgress({ runId, onFinished }: { runId: string; onFinished: () => Promise<void> }) {
  const [finished, setFinished] = useState(false);
  const progress = useQuery(RunProgress, { id: runId }, { pollMs: finished ? undefined : 1000 });
  const run = progress.data?.node?.__typename === 'SyncRun' ? (progress.data.node as Extract<NonNullable<ResultOf<typeof RunProgress>['node']>, { __typename: 'SyncRun' }>) : null;
  const done = Boolean(run?.finishedAt);
  useEffect(() => {
    if (!done) return;
    setFinished(true);
    void onFinished();
  }, [done, onFinished]);
  if (!run) return <Loading what="Starting the sync" />;
  return (
    <div className="sync-progress" role="status" aria-live="polite" data-testid="sync-progress" data-status={run.status}>
      <p>
        Sync <Badge tone={stateTone(run.status)}>{run.status}</Badge> {run.finishedAt ? 'finished' : 'running'}: {run.pages} pages, {run.seen} records seen.
      </p>
      <p className="numbers">
        {run.created} new · {run.updated} changed · {run.unchanged} unchanged · {run.deleted} deleted · {run.failed} failed
      </p>
      {run.error ? <p className="error-message">{run.error}</p> : null}
    </div>
  );
}

function RunHistory({ source }: { source: Source }) {
  return (
    <section aria-labelledby="runs-heading">
      <h2 id="runs-heading">Run history</h2>
      {source.runs.length === 0 ? (
        <p className="muted">No runs yet.</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">The latest runs of {source.name}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Trigger</th>
              <th scope="col">Status</th>
              <th scope="col">Seen</th>
              <th scope="col">New</th>
              <th scope="col">Changed</th>
              <th scope="col">Unchanged</th>
              <th scope="col">Deleted</th>
              <th scope="col">Failed</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {source.runs.map((run) => (
              <tr key={run.id}>
                <th scope="row">
                  <When at={run.startedAt} />
                </th>
                <td>{run.trigger}</td>
                <td>
                  <Badge tone={stateTone(run.status)}>{run.status}</Badge>
                </td>
                <td className="numbers">{run.seen}</td>
                <td className="numbers">{run.created}</td>
                <td className="numbers">{run.updated}</td>
                <td className="numbers">{run.unchanged}</td>
                <td className="numbers">{run.deleted}</td>
                <td className="numbers">{run.failed}</td>
                <td className="error-cell">{run.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <Link to={`/audit?entityKind=source`}>Configuration changes are in the audit trail.</Link>
      </p>
    </section>
  );
}

type SecretChoice = 'keep' | 'none' | number;

/** Create or edit: the vendor's own fields, the credential write-only, the server's problems beside each field. */
function SourceForm({ source, onSaved, onCancel }: { source: Source | null; onSaved: (id: string, changed: string[]) => void | Promise<void>; onCancel?: () => void }) {
  const vendors = useQuery(VendorsQuery, {});
  const [vendor, setVendor] = useState<VendorName>(source?.vendor ?? 'MLFLOW');
  const [name, setName] = useState(source?.name ?? '');
  const [schedule, setSchedule] = useState(String(source?.scheduleSeconds ?? 3600));
  const [enabled, setEnabled] = useState(source?.enabled ?? true);
  const [settings, setSettings] = useState<Record<string, string> | null>(null);
  const [secretChoice, setSecretChoice] = useState<SecretChoice>(source?.hasSecret ? 'keep' : 0);
  const [secret, setSecret] = useState<Record<string, string>>({});
  const [localProblems, setLocalProblems] = useState<Array<{ path: string; message: string }>>([]);
  const create = useMutation(CreateSource);
  const update = useMutation(UpdateSource);
  const error = create.error ?? update.error;

  if (vendors.error) return <ErrorPanel error={vendors.error} />;
  if (!vendors.data) return <Loading what="Loading the vendors’ fields" />;
  const spec = vendors.data.sourceVendors.find((v) => v.vendor === vendor);
  const settingsFields = fieldsOf(spec?.settingsSchema as JsonSchema | undefined);
  const { kinds, noneAllowed } = credentialKinds(spec?.secretSchema as JsonSchema | undefined);
  const values = settings ?? Object.fromEntries(settingsFields.map((f) => [f.name, toText(f, source?.vendor === vendor ? source.settings[f.name] : undefined)]));
  const problems = FieldProblems.of(error, localProblems);
  const kind = typeof secretChoice === 'number' ? kinds[secretChoice] : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: Array<{ path: string; message: string }> = [];
    const settingsValue: Record<string, unknown> = {};
    for (const field of settingsFields) {
      const { value, problem } = fromText(field, values[field.name] ?? '');
      if (problem) local.push({ path: `settings.${field.name}`, message: problem });
      else if (value !== undefined) settingsValue[field.name] = value;
    }
    const scheduleSeconds = schedule.trim() === '' ? undefined : Number(schedule);
    if (scheduleSeconds !== undefined && !Number.isInteger(scheduleSeconds)) local.push({ path: 'scheduleSeconds', message: 'must be a whole number of seconds' });
    setLocalProblems(local);
    if (local.length) return;
    const secretValue = secretChoice === 'keep' ? undefined : secretChoice === 'none' ? null : Object.fromEntries(Object.entries(secret).filter(([key, v]) => v !== '' && kind?.fields.some((f) => f.name === key)));
    if (source) {
      const done = await update.run({
        id: source.id,
        input: { name: name.trim(), settings: settingsValue, scheduleSeconds, enabled, ...(secretValue === undefined ? {} : { secret: secretValue }) },
      });
      if (done) {
        setSecret({});
        await onSaved(source.id, done.updateSource.changedFields);
      }
    } else {
      const done = await create.run({ input: { vendor, name: name.trim(), settings: settingsValue, secret: secretValue ?? null, scheduleSeconds, enabled } });
      if (done) {
        setSecret({});
        await onSaved(done.createSource.id, []);
      }
    }
  };

  const settingInput = (field: SchemaField) => (
    <Field key={field.name} label={`${field.label}${field.required ? ' (required)' : ''}`} hint={hintFor(field)} problem={problems.for(`settings.${field.name}`)}>
      {(props) =>
        field.kind === 'json' ? (
          <textarea {...props} rows={2} value={values[field.name] ?? ''} onChange={(e) => setSettings({ ...values, [field.name]: e.target.value })} />
        ) : (
          <input {...props} inputMode={field.kind === 'number' ? 'numeric' : undefined} value={values[field.name] ?? ''} onChange={(e) => setSettings({ ...values, [field.name]: e.target.value })} />
        )
      }
    </Field>
  );

  return (
    <form onSubmit={submit} noValidate className="source-form">
      {source ? null : (
        <Field label="Vendor" problem={problems.for('vendor')}>
          {(props) => (
            <select
              {...props}
              value={vendor}
              onChange={(e) => {
                setVendor(e.target.value as VendorName);
                setSettings(null);
                setSecretChoice(0);
                setSecret({});
              }}
            >
              {vendors.data!.sourceVendors.map((v) => (
                <option key={v.vendor} value={v.vendor}>
                  {v.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label="Name (required)" hint="Unique; operators and the command line address the source by it." problem={problems.for('name')}>
        {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <fieldset>
        <legend>{spec?.label ?? humanize(vendor)} settings</legend>
        {settingsFields.map(settingInput)}
      </fieldset>
      <fieldset>
        <legend>Credential</legend>
        <p className="field-hint">Write-only: the hub stores it encrypted and never shows it again.</p>
        <div className="radio-group" role="radiogroup" aria-label="Credential">
          {source?.hasSecret ? <Radio name="secret-kind" label="Keep the stored credential" checked={secretChoice === 'keep'} onChange={() => setSecretChoice('keep')} /> : null}
          {kinds.map((k, index) => (
            <Radio key={k.label} name="secret-kind" label={source?.hasSecret ? `Replace with ${k.label}` : k.label} checked={secretChoice === index} onChange={() => setSecretChoice(index)} />
          ))}
          {noneAllowed ? <Radio name="secret-kind" label="No credential" checked={secretChoice === 'none'} onChange={() => setSecretChoice('none')} /> : null}
        </div>
        {kind
          ? kind.fields.map((field) => (
              <Field key={field.name} label={`${field.label}${field.required ? ' (required)' : ''}`} problem={problems.for(`secret.${field.name}`)}>
                {(props) => <input {...props} type="password" autoComplete="new-password" spellCheck={false} value={secret[field.name] ?? ''} onChange={(e) => setSecret({ ...secret, [field.name]: e.target.value })} />}
              </Field>
            ))
          : null}
        <SecretProblem message={problems.exact('secret')} />
      </fieldset>
      <Field label="Seconds between scheduled syncs" hint="60 to 604800 (7 days)." problem={problems.for('scheduleSeconds')}>
        {(props) => <input {...props} inputMode="numeric" value={schedule} onChange={(e) => setSchedule(e.target.value)} />}
      </Field>
      <div className="field checkbox">
        <input id="source-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <label htmlFor="source-enabled">Run scheduled syncs</label>
      </div>
      <ProblemList problems={problems} />
      <ErrorPanel error={error} title="The source was not saved" />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.running || update.running}>
          {source ? 'Save changes' : 'Create the source'}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : (
          <Link to="/sources" className="button">
            Cancel
          </Link>
        )}
      </div>
    </form>
  );
}

function SecretProblem({ message }: { message: string | null }) {
  return message ? <p className="field-problem">{message}</p> : null;
}

function Radio({ name, label, checked, onChange }: { name: string; label: string; checked: boolean; onChange: () => void }) {
  return (
    <label className="radio">
      <input type="radio" name={name} checked={checked} onChange={onChange} /> {label}
    </label>
  );
}
