import type { ColumnKind, ExportColumn } from './export-column.js';

/**
 * Renders batches of text rows (as PostgreSQL gave them) as CSV or JSON Lines, one string per batch.
 *
 * CSV follows RFC 4180: a header line, CRLF line ends, fields quoted when they hold a comma, a quote, CR or LF
 * (quotes doubled). NULL is an empty field and the empty string `""`, as PostgreSQL's COPY writes them. Booleans are
 * `true`/`false`; JSON values are JSON text.
 *
 * Formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some, tab or CR) as a
 * formula, and vendor text is written by whoever can name a model. Such cells of free-text columns get a leading `'`
 * (OWASP's advice), which spreadsheets show as text. Numbers, timestamps, ids and JSON are never altered.
 */
export type ExportFormat = 'csv' | 'jsonl';

export interface RowFormatter {
  /** What precedes the rows (CSV: the optional BOM and the header). */
  head: string;
  batch(rows: ReadonlyArray<ReadonlyArray<string | null>>): string;
}

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTES = /"/g;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) || value === '' ? `"${value.replace(QUOTES, '""')}"` : value;
}

/** A free-text cell, guarded against formula injection. */
export function csvTextField(value: string): string {
  return csvField(FORMULA_START.test(value) ? `'${value}` : value);
}

const csvCell: Record<ColumnKind, (value: string) => string> = {
  text: csvTextField,
  id: csvField,
  number: csvField,
  boolean: csvField,
  timestamp: csvField,
  json: csvField,
};

/** JSON Lines values: numbers, booleans and JSON as JSON; text and timestamps as strings. */
const jsonValue: Record<ColumnKind, (value: string) => string> = {
  text: (value) => JSON.stringify(value),
  id: (value) => JSON.stringify(value),
  timestamp: (value) => JSON.stringify(value),
  // NaN and Infinity (possible in a `real`) are not JSON: they stay strings rather than become null.
  number: (value) => (Number.isFinite(Number(value)) ? value : JSON.stringify(value)),
  boolean: (value) => value,
  json: (value) => value,
};

export function rowFormatter(format: ExportFormat, columns: readonly ExportColumn[], options: { bom: boolean }): RowFormatter {
  if (format === 'csv') {
    const cells = columns.map((col) => csvCell[col.kind]);
    const count = cells.length;
    return {
      head: `${options.bom ? '\uFEFF' : ''}${columns.map((col) => csvField(col.name)).join(',')}\r\n`,
      batch(rows) {
        let out = '';
        for (const row of rows) {
          for (let i = 0; i < count; i++) {
            const value = row[i];
            if (i > 0) out += ',';
            if (value !== null) out += cells[i](value);
          }
          out += '\r\n';
        }
        return out;
      },
    };
  }
  const values = columns.map((col) => jsonValue[col.kind]);
  const keys = columns.map((col, i) => `${i === 0 ? '{' : ','}${JSON.stringify(col.name)}:`);
  const count = keys.length;
  return {
    head: '',
    batch(rows) {
      let out = '';
      for (const row of rows) {
        for (let i = 0; i < count; i++) {
          const value = row[i];
          out += keys[i];
          out += value === null ? 'null' : values[i](value);
        }
        out += '}\n';
      }
      return out;
    },
  };
}
