import { EXPORTS } from './export-definitions.js';

/**
 * The README's export reference, rendered from the definitions themselves (the same declarations that make the
 * header and the select list), between two markers. tests/unit/exports/export-docs.test.ts fails when the README's
 * copy differs; `node --import @swc-node/register/esm-register scripts/emit-export-docs.ts` rewrites it.
 */
export const DOCS_START = '<!-- export-reference:start (generated from src/exports/export-definitions.ts) -->';
export const DOCS_END = '<!-- export-reference:end -->';

const KIND_LABELS = { text: 'text', id: 'id / enum', number: 'number', boolean: 'boolean', timestamp: 'timestamp', json: 'JSON' } as const;

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function renderExportReference(): string {
  const lines: string[] = [DOCS_START, '', '| Export | Filters (query parameters) |', '| --- | --- |'];
  for (const definition of EXPORTS) {
    const filters = Object.keys(definition.parameters).map((name) => `\`${name}\``);
    if (definition.tags) filters.push('`tag.<key>`');
    lines.push(`| \`/export/${definition.name}.{csv,jsonl}\`: ${cell(definition.description)} | ${filters.join(', ')} |`);
  }
  lines.push('', '| Export | # | Column | Type | Meaning |', '| --- | --- | --- | --- | --- |');
  for (const definition of EXPORTS) {
    definition.columns.forEach((col, index) => {
      lines.push(`| ${definition.name} | ${index + 1} | \`${col.name}\` | ${KIND_LABELS[col.kind]} | ${cell(col.description)} |`);
    });
  }
  lines.push('', DOCS_END);
  return lines.join('\n');
}

/** `markdown` with its reference section replaced by a fresh rendering; throws when the markers are missing. */
export function withExportReference(markdown: string): string {
  const start = markdown.indexOf(DOCS_START);
  const end = markdown.indexOf(DOCS_END);
  if (start < 0 || end < start) throw new Error(`the markers ${DOCS_START} … ${DOCS_END} are missing`);
  return markdown.slice(0, start) + renderExportReference() + markdown.slice(end + DOCS_END.length);
}
