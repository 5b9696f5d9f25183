import { useEffect, useState } from 'react';
import { currentCredential, endSession } from '../auth/session.ts';

/** How long an opened pack's blob URL stays valid (the new tab has loaded it long before). */
const BLOB_LIFETIME_MS = 5 * 60_000;

/**
 * Opens an evidence pack (`/reports/...`) in a new tab with the signed-in credential. A browser navigation cannot send
 * the API key or token, so the console fetches the pack with it and opens the HTML as a blob: URL. That page inherits
 * the console's CSP (no script, styles from the hub only): the pack has no script, and its stylesheet and links are
 * made absolute first, since a blob: page has no base URL to resolve `/reports/…` against. Links that need the
 * credential (the pack's JSON) are dropped from it: the JSON button fetches that one.
 */
export function EvidencePackButtons({ path, label }: { path: string; label: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [blocked, setBlocked] = useState<string | null>(null);
  useEffect(() => () => void (blocked && URL.revokeObjectURL(blocked)), [blocked]);

  async function fetchPack(format: 'html' | 'json'): Promise<Blob | null> {
    setError(null);
    setBusy(true);
    try {
      const credential = currentCredential();
      const response = await fetch(`${path}?format=${format}`, {
        headers: { accept: format === 'html' ? 'text/html' : 'application/json', ...(credential ? { authorization: `Bearer ${credential.token}` } : {}) },
      });
      if (!response.ok) {
        const refusal = (await response.json().catch(() => null)) as { errors?: Array<{ message: string; extensions?: { code?: string } }> } | null;
        const first = refusal?.errors?.[0];
        if (first?.extensions?.code === 'UNAUTHENTICATED') endSession(first.message);
        setError(first ? `${first.message} (${first.extensions?.code ?? response.status})` : `The hub answered ${response.status}.`);
        return null;
      }
      if (format === 'json') return new Blob([await response.text()], { type: 'application/json' });
      return new Blob([standalonePage(await response.text())], { type: 'text/html' });
    } catch {
      setError('The hub could not be reached. Check your connection and try again.');
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function openHtml() {
    const blob = await fetchPack('html');
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const tab = window.open(url, '_blank');
    if (tab) setTimeout(() => URL.revokeObjectURL(url), BLOB_LIFETIME_MS);
    else setBlocked(url);
  }

  async function downloadJson() {
    const blob = await fetchPack('json');
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = `evidence-pack-${path.split('/').pop()}.json`;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), BLOB_LIFETIME_MS);
  }

  return (
    <div className="evidence-pack-actions">
      <button type="button" onClick={() => void openHtml()} disabled={busy}>
        {label}
      </button>{' '}
      <button type="button" className="link-button" onClick={() => void downloadJson()} disabled={busy}>
        {label} as JSON
      </button>
      {blocked ? (
        <p>
          Your browser blocked the new tab.{' '}
          <a href={blocked} target="_blank" rel="noopener">
            Open the evidence pack
          </a>
          .
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="field-problem">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The pack's HTML with absolute links and without what needs a credential, parsed inertly (no script runs). */
function standalonePage(html: string): string {
  const page = new DOMParser().parseFromString(html, 'text/html');
  for (const element of page.querySelectorAll('[data-needs-credential]')) element.remove();
  for (const element of page.querySelectorAll('[href]')) element.setAttribute('href', new URL(element.getAttribute('href')!, location.origin).href);
  return `<!doctype html>\n${page.documentElement.outerHTML}`;
}
