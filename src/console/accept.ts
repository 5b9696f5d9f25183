import type { IncomingMessage } from 'node:http';

interface MediaRange {
  type: string;
  q: number;
  order: number;
}

function mediaRanges(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part, order) => {
      const [type, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { type: type.trim(), q: q ? Number(q.slice(2)) : 1, order };
    })
    .filter((range) => range.type && Number.isFinite(range.q) && range.q > 0);
}

/**
 * Whether the client wants a web page rather than data: text/html ranks strictly above JSON in its Accept header
 * (a browser navigation sends `text/html,…,*\/*;q=0.8`). A GraphQL client sends JSON types, a script often only
 * `*\/*`: neither gets HTML.
 */
export function prefersHtml(req: Pick<IncomingMessage, 'headers'>): boolean {
  const ranges = mediaRanges(String(req.headers.accept ?? ''));
  const best = (types: string[]) => ranges.filter((r) => types.includes(r.type)).sort((a, b) => b.q - a.q || a.order - b.order)[0];
  const html = best(['text/html', 'application/xhtml+xml']);
  if (!html) return false;
  const json = best(['application/json', 'application/graphql-response+json']);
  return !json || html.q > json.q || (html.q === json.q && html.order < json.order);
}
