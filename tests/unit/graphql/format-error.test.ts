import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '../../../src/errors.js';
import { classifyError, formatHubError } from '../../../src/graphql/format-error.js';

const resolverError = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ['models'] });

describe('formatHubError', () => {
  describe('resolver errors', () => {
    it.each([
      [new InputError('bad', [{ path: 'first', message: 'must be >= 0' }]), 'BAD_USER_INPUT', { problems: [{ path: 'first', message: 'must be >= 0' }] }],
      [new NotFoundError('no such model'), 'NOT_FOUND', {}],
      [new NotAllowedError('own request', 'SELF_APPROVAL', { requestId: 'r1' }), 'SELF_APPROVAL', { requestId: 'r1' }],
      [new ConflictError('already pending'), 'CONFLICT', {}],
    ])('should map %s to its code', (error, code, extra) => {
      const error_ = resolverError(error);
      const formatted = formatHubError(error_.toJSON(), error_);
      expect(formatted.extensions).toEqual({ ...extra, code });
      expect(formatted.message).toBe(error.message);
    });

    it('should hide unknown errors (message, SQL, stack) behind INTERNAL_SERVER_ERROR', () => {
      const error = resolverError(new Error('syntax error at or near "selec" in select * from secrets'));
      const formatted = formatHubError({ ...error.toJSON(), extensions: { stacktrace: ['at x'] } }, error);
      expect(formatted).toEqual({ message: 'Internal server error', locations: undefined, path: ['models'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    });

    it('should report a lost database connection as SERVICE_UNAVAILABLE', () => {
      const lost = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      expect(classifyError(resolverError(new Error('query failed', { cause: lost }))).code).toBe('SERVICE_UNAVAILABLE');
      const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      expect(classifyError(resolverError(refused)).code).toBe('SERVICE_UNAVAILABLE');
    });
  });

  describe('request errors', () => {
    it('should report an unknown enum literal as BAD_USER_INPUT', () => {
      const formatted = formatHubError({ message: 'Value "NOPE" does not exist in "Vendor" enum.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, new Error());
      expect(formatted.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('should keep other validation failures as GRAPHQL_VALIDATION_FAILED', () => {
      const formatted = formatHubError({ message: 'Cannot query field "x" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, new Error());
      expect(formatted.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  });
});
