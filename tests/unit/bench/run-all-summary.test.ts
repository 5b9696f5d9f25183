import { describe, expect, it } from 'vitest';
import { passed, rowsOf, summaryTable, type BenchOutcome } from '../../../bench/lib/run-all-summary.js';

const figures = {
  'full sync': { value: 5123.4, unit: 'records/s', target: null, pass: null },
  'peak RSS': { value: 310, unit: 'MB', target: { op: '<=', value: 300 }, pass: false },
  'rows written': { value: 0, unit: null, target: { op: '==', value: 0 }, pass: true },
};

describe('run-all summary', () => {
  describe('rowsOf', () => {
    it('should list every figure with its value, unit, target and verdict', () => {
      const rows = rowsOf({ name: 'sync', exitCode: 1, result: { bench: 'sync', pass: false, figures }, seconds: 10 });
      expect(rows).toContainEqual({ bench: 'sync', figure: 'full sync', value: '5,123 records/s', target: '', verdict: '' });
      expect(rows).toContainEqual({ bench: 'sync', figure: 'peak RSS', value: '310 MB', target: '<= 300', verdict: 'FAIL' });
      expect(rows).toContainEqual({ bench: 'sync', figure: 'rows written', value: '0', target: '== 0', verdict: 'PASS' });
    });

    it('should report a bench that printed no result as crashed, with its exit code', () => {
      expect(rowsOf({ name: 'load', exitCode: 1, result: null, seconds: 3 })).toEqual([
        { bench: 'load', figure: '(no BENCH_RESULT: crashed)', value: 'exit 1', target: '', verdict: 'FAIL' },
      ]);
    });

    it('should show the numeric fields and overall verdict of a result without figures', () => {
      const rows = rowsOf({ name: 'graphql', exitCode: 0, result: { bench: 'graphql', ratio: 0.72, hub: { rps: 410, p99: 120 }, pass: true }, seconds: 60 });
      expect(rows.map((r) => [r.figure, r.value, r.verdict])).toEqual([
        ['ratio', '0.72', ''],
        ['hub.rps', '410', ''],
        ['hub.p99', '120', ''],
        ['(overall, as the bench judged it)', '', 'PASS'],
      ]);
    });

    it('should label the numeric fields of listed cases by index and text fields', () => {
      const rows = rowsOf({ name: 'connectors', exitCode: 0, result: { bench: 'connectors', pass: true, rows: [{ vendor: 'mlflow', peakRssMb: 120 }, { vendor: 'mlflow', peakRssMb: 131 }] }, seconds: 9 });
      expect(rows.map((r) => [r.figure, r.value])).toEqual([
        ['rows[0 mlflow].peakRssMb', '120'],
        ['rows[1 mlflow].peakRssMb', '131'],
        ['(overall, as the bench judged it)', ''],
      ]);
    });

    it('should add a failing exit-code row when a passing result came from a process that exited non-zero', () => {
      const rows = rowsOf({ name: 'ingest', exitCode: 1, result: { bench: 'ingest', pass: true, figures: {} }, seconds: 5 });
      expect(rows).toEqual([{ bench: 'ingest', figure: '(exit code)', value: '1', target: '== 0', verdict: 'FAIL' }]);
    });
  });

  describe('passed', () => {
    it('should pass only a bench that exited 0 with a passing result', () => {
      const ok: BenchOutcome = { name: 'a', exitCode: 0, result: { pass: true }, seconds: 1 };
      expect(passed(ok)).toBe(true);
      expect(passed({ ...ok, exitCode: 1 })).toBe(false);
      expect(passed({ ...ok, result: { pass: false } })).toBe(false);
      expect(passed({ ...ok, result: null })).toBe(false);
    });
  });

  describe('summaryTable', () => {
    it('should align the columns and end with one verdict line per bench', () => {
      const lines = summaryTable([
        { name: 'sync', exitCode: 1, result: { bench: 'sync', pass: false, figures }, seconds: 10 },
        { name: 'load', exitCode: 0, result: { bench: 'load', pass: true, figures: { 'audit chain valid': { value: 1, unit: null, target: { op: '==', value: 1 }, pass: true } } }, seconds: 95 },
      ]);
      const header = lines.find((l) => l.startsWith('benchmark'))!;
      const peak = lines.find((l) => l.includes('peak RSS'))!;
      expect(peak.indexOf('<= 300')).toBe(header.indexOf('target'));
      expect(lines.slice(-2)).toEqual(['sync         FAIL  (10 s)', 'load         PASS  (95 s)']);
    });
  });
});
