import { describe, expect, it } from 'vitest';
import { writeBackStateOf } from '../../../src/governance/change-request.js';

describe('change request', () => {
  describe('writeBackStateOf', () => {
    it('should report the request from all its rows: FAILED over PENDING over UNSUPPORTED, DONE only when every row is done', () => {
      expect(writeBackStateOf(['DONE'])).toBe('DONE');
      expect(writeBackStateOf(['DONE', 'DONE'])).toBe('DONE');
      expect(writeBackStateOf(['DONE', 'PENDING'])).toBe('PENDING');
      expect(writeBackStateOf(['IN_PROGRESS', 'PENDING'])).toBe('PENDING');
      expect(writeBackStateOf(['FAILED', 'PENDING'])).toBe('FAILED');
      expect(writeBackStateOf(['DONE', 'FAILED'])).toBe('FAILED');
      expect(writeBackStateOf(['UNSUPPORTED', 'UNSUPPORTED'])).toBe('UNSUPPORTED');
      expect(writeBackStateOf(['DONE', 'UNSUPPORTED'])).toBe('UNSUPPORTED');
      expect(writeBackStateOf(['UNSUPPORTED', 'PENDING'])).toBe('PENDING');
    });
  });
});
