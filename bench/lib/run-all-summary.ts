/** The `npm run bench` summary: turns each bench's BENCH_RESULT (or its absence) into table rows and verdicts. */

/** A summary row: one figure of one bench. */
export interface Row {
  bench: string;
  figure: string;
  value: string;
  target: string;
  verdict: string;
}

interface FigureJson {
  value: number;
  unit: string | null;
  target: { op: string; value: number } | null;
  pass: boolean | null;
}

/** How one bench run ended: its exit code and the BENCH_RESULT it printed, if any. */
export interface BenchOutcome {
  name: string;
  exitCode: number | null;
  result: Record<string, unknown> | null;
  seconds: number;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toLocaleString('en-US', { maximumFractionDigits: 0 }) : value.toFixed(2);
}

/** Numeric leaves of a result without `figures` (older bench formats), as informational rows: `a.b.c`. */
function numericLeaves(value: unknown, path: string[] = []): Array<[string, number]> {
  if (typeof value === 'number') return [[path.join('.'), value]];
  if (Array.isArray(value)) {
    // Elements are told apart by their index and their text fields (e.g. `rows[1 mlflow]`).
    return value.flatMap((inner, i) => {
      const labels = inner && typeof inner === 'object' ? Object.values(inner).filter((v): v is string => typeof v === 'string') : [];
      const last = path.length > 0 ? path[path.length - 1] : '';
      return numericLeaves(inner, [...path.slice(0, -1), `${last}[${[String(i), ...labels].join(' ')}]`]);
    });
  }
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => numericLeaves(inner, [...path, key]));
  return [];
}

/** The summary rows of one bench: its figures, or its numeric fields and overall verdict, or why it has none. */
export function rowsOf(outcome: BenchOutcome): Row[] {
  const { name, result, exitCode } = outcome;
  if (!result) return [{ bench: name, figure: '(no BENCH_RESULT: crashed)', value: `exit ${exitCode ?? 'signal'}`, target: '', verdict: 'FAIL' }];
  const rows: Row[] = [];
  const figures = result.figures as Record<string, FigureJson> | undefined;
  if (figures) {
    for (const [figure, f] of Object.entries(figures)) {
      rows.push({
        bench: name,
        figure,
        value: `${format(f.value)}${f.unit ? ` ${f.unit}` : ''}`,
        target: f.target ? `${f.target.op} ${format(f.target.value)}` : '',
        verdict: f.pass === null ? '' : f.pass ? 'PASS' : 'FAIL',
      });
    }
  } else {
    const { bench: _bench, pass: _pass, ...rest } = result;
    for (const [figure, value] of numericLeaves(rest)) rows.push({ bench: name, figure, value: format(value), target: '', verdict: '' });
    rows.push({ bench: name, figure: '(overall, as the bench judged it)', value: '', target: '', verdict: result.pass === true ? 'PASS' : 'FAIL' });
  }
  if (exitCode !== 0) rows.push({ bench: name, figure: '(exit code)', value: String(exitCode ?? 'signal'), target: '== 0', verdict: 'FAIL' });
  return rows;
}

/** Whether a bench passed: a result saying so, and a clean exit. */
export function passed(outcome: BenchOutcome): boolean {
  return outcome.exitCode === 0 && outcome.result?.pass === true;
}

/** The summary table, line by line: every figure of every bench, then one verdict line per bench. */
export function summaryTable(outcomes: readonly BenchOutcome[]): string[] {
  const out: string[] = [];
  const rows = outcomes.flatMap(rowsOf);
  const header: Row = { bench: 'benchmark', figure: 'figure', value: 'value', target: 'target', verdict: 'verdict' };
  const keys = ['bench', 'figure', 'value', 'target', 'verdict'] as const;
  const widths = keys.map((k) => Math.max(...[header, ...rows].map((r) => r[k].length)));
  const line = (r: Row) => keys.map((k, i) => (k === 'value' ? r[k].padStart(widths[i]) : r[k].padEnd(widths[i]))).join('  ').trimEnd();
  out.push('\n=== benchmark summary ===');
  out.push(line(header));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) out.push(line(row));
  out.push('');
  for (const outcome of outcomes) out.push(`${outcome.name.padEnd(12)} ${passed(outcome) ? 'PASS' : 'FAIL'}  (${outcome.seconds.toFixed(0)} s)`);
  return out;
}
