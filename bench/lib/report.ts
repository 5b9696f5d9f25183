/** Printing benchmark figures: a readable table with targets and verdicts, plus one machine-readable line. */

export interface Target {
  /** How the figure must compare with the target value. */
  op: '>=' | '<=' | '==';
  value: number;
}

export interface Figure {
  name: string;
  value: number;
  unit?: string;
  /** Absent for figures reported for information only. */
  target?: Target;
}

export interface FigureVerdict extends Figure {
  pass: boolean | null;
}

/** Whether a figure meets its target (null when it has none). */
export function judge(figure: Figure): FigureVerdict {
  const { target } = figure;
  if (!target) return { ...figure, pass: null };
  const pass = target.op === '>=' ? figure.value >= target.value : target.op === '<=' ? figure.value <= target.value : figure.value === target.value;
  return { ...figure, pass };
}

function format(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toLocaleString('en-US', { maximumFractionDigits: 0 }) : value.toFixed(2);
}

/** Prints the figures as an aligned table; returns the verdicts. */
export function printFigures(title: string, figures: readonly Figure[], write: (line: string) => void = console.log): FigureVerdict[] {
  const verdicts = figures.map(judge);
  const rows = verdicts.map((v) => [
    v.name,
    `${format(v.value)}${v.unit ? ` ${v.unit}` : ''}`,
    v.target ? `${v.target.op} ${format(v.target.value)}` : '',
    v.pass === null ? '' : v.pass ? 'PASS' : 'FAIL',
  ]);
  const header = ['figure', 'value', 'target', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 1 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  write(`\n${title}`);
  write(line(header));
  write(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) write(line(row));
  return verdicts;
}

/** One `BENCH_RESULT {json}` line for the summary runner. `pass` is true only when every targeted figure passes. */
export function emitBenchResult(bench: string, verdicts: readonly FigureVerdict[], extra: Record<string, unknown> = {}, write: (line: string) => void = console.log): void {
  const figures = Object.fromEntries(verdicts.map((v) => [v.name, { value: v.value, unit: v.unit ?? null, target: v.target ?? null, pass: v.pass }]));
  const pass = verdicts.every((v) => v.pass !== false);
  write(`BENCH_RESULT ${JSON.stringify({ bench, pass, figures, ...extra })}`);
}

/** Milliseconds taken by fn, with its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}
