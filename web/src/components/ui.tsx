import { useId, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

/** A labelled control with its hint and the server's problem for it, tied together for assistive technology. */
export function Field({
  label,
  hint,
  problem,
  children,
}: {
  label: string;
  hint?: ReactNode;
  problem?: string | null;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const problemId = problem ? `${id}-problem` : undefined;
  const describedBy = [hintId, problemId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={problem ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': problem ? true : undefined })}
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {problem ? (
        <p className="field-problem" id={problemId}>
          {problem}
        </p>
      ) : null}
    </div>
  );
}

export function TextInput(props: InputHTMLAttributes<HTMLInputElement>) {
  return <input type="text" {...props} />;
}

export function Select(props: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} />;
}

export function TextArea(props: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea rows={3} {...props} />;
}

/** A status word with a colour that is never the only carrier of meaning (the word is always there). */
export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status">
      {what}…
    </p>
  );
}

/** Dates as the reader's locale shows them, with the exact instant in the title. */
export function When({ at, empty = '—' }: { at: string | null | undefined; empty?: string }) {
  if (!at) return <>{empty}</>;
  const date = new Date(at);
  return (
    <time dateTime={at} title={date.toISOString()}>
      {date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}

/** A key → value list for JSON objects from vendors (lineage, metrics, details). */
export function KeyValues({ value, empty = 'None recorded.' }: { value: Record<string, unknown> | null | undefined; empty?: string }) {
  const entries = Object.entries(value ?? {});
  if (entries.length === 0) return <p className="muted">{empty}</p>;
  return (
    <dl className="key-values">
      {entries.map(([key, v]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{typeof v === 'object' && v !== null ? <code className="json-inline">{JSON.stringify(v)}</code> : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A link that leaves the hub (a vendor's UI), marked as such. */
export function ExternalLink({ href, children }: { href: string | null | undefined; children: ReactNode }) {
  if (!href || !/^https?:\/\//i.test(href)) return null;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="external">
      {children}
      <span className="visually-hidden"> (opens the vendor’s site in a new tab)</span>
    </a>
  );
}

export function humanize(value: string | null | undefined): string {
  if (!value) return '—';
  return value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' ');
}

/**
 * A destructive action behind a second click: the first shows "confirm / keep", so a stray click or Enter changes
 * nothing. `what` names the object for screen readers when several such buttons share a screen.
 */
export function ConfirmAction({ label, confirmLabel, keepLabel = 'Keep it', what = '', running, onConfirm }: { label: string; confirmLabel: string; keepLabel?: string; what?: string; running: boolean; onConfirm: () => Promise<boolean> }) {
  const [confirming, setConfirming] = useState(false);
  const hidden = what ? <span className="visually-hidden"> {what}</span> : null;
  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)}>
        {label}
        {hidden}
      </button>
    );
  }
  return (
    <span className="inline-actions">
      <button type="button" className="danger" disabled={running} onClick={async () => setConfirming(!(await onConfirm()))}>
        {confirmLabel}
        {hidden}
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        {keepLabel}
        {hidden}
      </button>
    </span>
  );
}
