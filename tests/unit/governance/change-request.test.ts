import { describe, expect, it } from 'vitest';
import { writeBackStateOf } from '../../../src/governance/change-request.js';
import { summariseWriteBack } from '../../../src/governance/write-back-status.js';

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

  describe('summariseWriteBack', () => {
    it("should give a request without outbox rows no status, and one with rows their roll-up, attempts summed, messages in order and the latest attempt's time", () => {
      expect(summariseWriteBack([])).toEqual({ writeBackStatus: null, writeBackAttempts: 0, writeBackMessage: null, writeBackAt: null });
      expect(
        summariseWriteBack([
          { status: 'DONE', attempts: 2, message: 'alias production set', lastAttemptAt: new Date('2026-01-01T10:00:00Z') },
          { status: 'PENDING', attempts: 1, message: null, lastAttemptAt: new Date('2026-01-01T11:00:00Z') },
          { status: 'UNSUPPORTED', attempts: 1, message: 'no route', lastAttemptAt: new Date('2026-01-01T09:00:00Z') },
        ]),
      ).toEqual({ writeBackStatus: 'PENDING', writeBackAttempts: 4, writeBackMessage: 'alias production set\nno route', writeBackAt: new Date('2026-01-01T11:00:00Z') });
    });
  });
});
