import type { PackLink } from './evidence-pack.js';

/**
 * A link only when it is an absolute http(s) URL: vendor and user values are hostile, and a `javascript:` or `data:`
 * "link" must never become something a reader can click.
 */
export function link(title: string, value: string | null | undefined): PackLink | null {
  if (value == null || value === '') return null;
  const given = String(value);
  let url: string | null = null;
  try {
    const parsed = new URL(given);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') url = parsed.href;
  } catch {
    url = null;
  }
  return { title, url, given };
}
