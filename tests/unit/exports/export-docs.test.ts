import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPORTS } from '../../../src/exports/export-definitions.js';
import { renderExportReference, withExportReference } from '../../../src/exports/export-docs.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('export reference', () => {
  it('should be in the README exactly as the definitions render it (scripts/emit-export-docs.ts rewrites it)', () => {
    expect(withExportReference(README)).toBe(README);
  });

  it('should list every column of every export, in order', () => {
    const reference = renderExportReference();
    for (const definition of EXPORTS) {
      const rows = reference.split('\n').filter((line) => line.startsWith(`| ${definition.name} | `));
      expect(rows.map((line) => line.split(' | ')[2].replace(/`/g, ''))).toEqual(definition.columns.map((c) => c.name));
    }
  });

  it('should declare unique, snake_case column names', () => {
    for (const definition of EXPORTS) {
      const names = definition.columns.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });
});
