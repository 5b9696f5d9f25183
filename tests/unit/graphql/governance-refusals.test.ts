import { describe, expect, it } from 'vitest';
import { ConflictError, NotAllowedError } from '../../../src/errors.js';
import { refusable, refuse } from '../../../src/governance/refusal.js';
import { refusalError, requestOrThrow } from '../../../src/graphql/governance/refusals.js';

/** The API edge of governance refusals: the same error classes, codes, messages and details the services threw before. */
describe('governance refusals', () => {
  describe('refusalError', () => {
    it('should make refusals about the person NotAllowedError and the rest ConflictError, keeping code, message and details', () => {
      const self = refusalError({ code: 'SELF_APPROVAL', message: 'You opened this request; someone else must decide on it.' });
      expect(self).toBeInstanceOf(NotAllowedError);
      expect(self).toMatchObject({ code: 'SELF_APPROVAL', message: 'You opened this request; someone else must decide on it.', details: {} });
      const closed = refusalError({ code: 'REQUEST_NOT_PENDING', message: 'The change request is APPLIED, no longer open for decisions.', details: { status: 'APPLIED' } });
      expect(closed).toBeInstanceOf(ConflictError);
      expect(closed).toMatchObject({ code: 'REQUEST_NOT_PENDING', details: { status: 'APPLIED' } });
    });
  });

  describe('requestOrThrow', () => {
    it('should return the accepted request and throw the refusal', () => {
      expect(requestOrThrow({ ok: true, request: { id: 'r1' } })).toEqual({ id: 'r1' });
      expect(() => requestOrThrow({ ok: false, refusal: { code: 'NOT_REQUESTER', message: 'Only the requester or an ADMIN can cancel a change request.' } })).toThrow(NotAllowedError);
    });
  });

  describe('refusable', () => {
    it('should turn a refusal raised inside the work into a result and let other errors through', async () => {
      expect(await refusable(async () => refuse('NO_POLICY', 'No approval policy covers this.'))).toEqual({ ok: false, refusal: { code: 'NO_POLICY', message: 'No approval policy covers this.' } });
      await expect(refusable(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    });
  });
});
