import { describe, expect, it } from 'vitest';
import { causeChain, codeOf, findCause, rootCause } from '../../../connectors/shared/error-causes.js';

describe('error causes', () => {
  const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const wrapped = new Error('Failed query: select 1', { cause: new TypeError('fetch failed', { cause: new Error('pool error', { cause: socket }) }) });

  describe('findCause', () => {
    it('should find a code three causes deep', () => {
      expect(findCause(wrapped, (link) => codeOf(link) === 'ECONNREFUSED')).toBe(socket);
      expect(codeOf(findCause(wrapped, (link) => codeOf(link) !== undefined))).toBe('ECONNREFUSED');
    });

    it('should answer undefined when no link matches, and take the outermost match first', () => {
      expect(findCause(wrapped, (link) => codeOf(link) === '23505')).toBeUndefined();
      expect(findCause(wrapped, (link) => link instanceof Error)).toBe(wrapped);
    });

    it('should stop on a cause cycle instead of looping', () => {
      const a = new Error('a');
      const b = new Error('b', { cause: a });
      (a as { cause?: unknown }).cause = b;
      expect([...causeChain(a)]).toEqual([a, b]);
      expect(findCause(a, (link) => codeOf(link) === 'NOPE')).toBeUndefined();
      expect(rootCause(a)).toBe(b);
    });
  });

  describe('rootCause', () => {
    it('should give the innermost error, and the value itself when it has no cause', () => {
      expect(rootCause(wrapped)).toBe(socket);
      expect(rootCause('plain text')).toBe('plain text');
      expect([...causeChain(null)]).toEqual([]);
    });
  });
});
