import { describe, expect, it } from 'vitest';
import { buildSchema, graphql, GraphQLError } from 'graphql';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '../../../src/errors.js';
import { classifyError, formatHubError, hubErrorFormatter } from '../../../src/graphql/format-error.js';

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

  describe('secret input fields', () => {
    // The secret field is named like an ordinary one on purpose: which fields are secret comes from @secret.
    const schema = buildSchema(`
      directive @secret on INPUT_FIELD_DEFINITION
      scalar JSON
      input Credentials { user: String, pass: JSON @secret }
      input Config { name: String!, auth: Credentials, tags: [Credentials], retries: Int }
      type Query { apply(config: Config!): Boolean }
    `);
    const format = hubErrorFormatter(schema);
    async function coercionMessage(config: unknown): Promise<string> {
      const result = await graphql({ schema, source: 'query ($config: Config!) { apply(config: $config) }', variableValues: { config } });
      const error = result.errors![0];
      return format({ ...error.toJSON(), extensions: { code: 'BAD_USER_INPUT' } }, error).message;
    }

    it('should mask the values of fields marked @secret wherever graphql-js quotes the input, and nothing else', async () => {
      const message = await coercionMessage({ name: 'n', auth: { user: 'u', pass: { value: 'p4ss"}, x: {' } }, unknownField: 1 });
      expect(message).toBe(
        'Variable "$config" got invalid value { name: "n", auth: { user: "u", pass: "[REDACTED]" }, unknownField: 1 }; Field "unknownField" is not defined by type "Config".',
      );
      expect(await coercionMessage([{ pass: 'p4ss-in-list' }])).not.toContain('p4ss');
    });

    it('should keep values of other fields', async () => {
      expect(await coercionMessage({ name: 'n', retries: 'often' })).toContain('"often" at "config.retries"');
    });

    it('should leave messages alone when the schema marks no field', () => {
      const plain = { message: 'Variable "$x" got invalid value { pass: "p" }; no.', extensions: { code: 'BAD_USER_INPUT' } };
      expect(formatHubError(plain, new Error()).message).toBe(plain.message);
    });
  });
});
