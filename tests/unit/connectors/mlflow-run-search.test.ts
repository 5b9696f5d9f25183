/**
 * The pure parts of bulk run reads: which run ids may go into a `runs/search` filter and how it is written
 * (connectors/mlflow/unconfirmed.ts), how experiments are grouped per request (run-reader.ts), and the simulator's
 * parser of that filter (simulator-runs.ts), which must accept what the connector sends and refuse what MLflow refuses.
 */
import { describe, expect, it } from 'vitest';
import { experimentGroups } from '../../../connectors/mlflow/run-reader.js';
import { SimMlflowError } from '../../../connectors/mlflow/simulator-render.js';
import { namedRunIds, parseRunFilter, runMatches } from '../../../connectors/mlflow/simulator-runs.js';
import { isSearchableRunId, runIdsFilter } from '../../../connectors/mlflow/unconfirmed.js';

describe('isSearchableRunId', () => {
  it('should accept MLflow run ids and refuse ids the server would drop or that could break the filter', () => {
    expect(isSearchableRunId('1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d')).toBe(true);
    expect(isSearchableRunId('run_2024-01')).toBe(true);
    // search_utils keeps only ids for which Python's str.islower() holds.
    expect(isSearchableRunId('1234567890')).toBe(false);
    expect(isSearchableRunId('ABCDEF12')).toBe(false);
    expect(isSearchableRunId("abc') OR ('1")).toBe(false);
    expect(isSearchableRunId('')).toBe(false);
  });
});

describe('runIdsFilter', () => {
  it('should write an IN list the simulator reads back as exactly those ids', () => {
    const ids = ['aaa111', 'bbb222', 'ccc333'];
    const filter = runIdsFilter(ids);
    expect(filter).toBe("attributes.run_id IN ('aaa111', 'bbb222', 'ccc333')");
    const clauses = parseRunFilter(filter, 'available');
    expect(namedRunIds(clauses)?.sort()).toEqual(ids);
    expect(runMatches(clauses, 'bbb222')).toBe(true);
    expect(runMatches(clauses, 'ddd444')).toBe(false);
  });
});

describe('experimentGroups', () => {
  const ids = Array.from({ length: 7 }, (_, i) => String(i));

  it('should name every experiment in one group when they fit', () => {
    expect(experimentGroups(ids, new Set(['5']), 10)).toEqual([ids]);
  });

  it('should split into groups of the given size, experiments that held runs first, each id once', () => {
    const groups = experimentGroups(ids, new Set(['5', '2']), 3);
    expect(groups).toEqual([
      ['2', '5', '0'],
      ['1', '3', '4'],
      ['6'],
    ]);
  });
});

describe('parseRunFilter', () => {
  const refused = (filter: string, support: 'available' | 'in-unsupported' = 'available') => {
    try {
      parseRunFilter(filter, support);
    } catch (error) {
      return error instanceof SimMlflowError ? { status: error.status, code: error.errorCode } : error;
    }
    return 'accepted';
  };

  it('should read identifier prefixes, backticks, both quote styles, NOT IN and a trailing comma', () => {
    expect(namedRunIds(parseRunFilter("run_id = 'abc'", 'available'))).toEqual(['abc']);
    expect(namedRunIds(parseRunFilter('attr.`run_id` in ("abc", "def",)', 'available'))).toEqual(['abc', 'def']);
    const notIn = parseRunFilter("run.run_id NOT IN ('abc') AND attributes.run_id != 'def'", 'available');
    expect(runMatches(notIn, 'xyz')).toBe(true);
    expect(runMatches(notIn, 'abc')).toBe(false);
    expect(runMatches(notIn, 'def')).toBe(false);
    expect(runMatches(parseRunFilter("run_id LIKE 'ab%'", 'available'), 'abc')).toBe(true);
  });

  it('should drop ids that are not lower case, as search_utils does', () => {
    expect(namedRunIds(parseRunFilter("run_id IN ('abc', 'ABC', '123')", 'available'))).toEqual(['abc']);
  });

  it('should refuse, with 400 INVALID_PARAMETER_VALUE, filters it does not understand', () => {
    const invalid = { status: 400, code: 'INVALID_PARAMETER_VALUE' };
    for (const filter of [
      'metrics.auc > 0.5',
      "params.depth = '3'",
      "tags.team = 'risk'",
      "status = 'FINISHED'",
      "nonsense = 'x'",
      'run_id IN ()',
      'run_id IN (1, 2)',
      "run_id IN ('a' 'b')",
      "run_id = 'a' OR run_id = 'b'",
      'run_id = abc',
      "run_id = 'a' AND",
    ]) {
      expect({ filter, outcome: refused(filter) }).toEqual({ filter, outcome: invalid });
    }
  });

  it('should refuse IN, and only IN, like an older filter grammar when told to', () => {
    expect(refused("run_id IN ('abc')", 'in-unsupported')).toEqual({ status: 400, code: 'INVALID_PARAMETER_VALUE' });
    expect(refused("run_id = 'abc'", 'in-unsupported')).toBe('accepted');
  });
});
