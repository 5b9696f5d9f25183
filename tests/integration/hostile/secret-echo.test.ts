/**
 * A request the API refuses never echoes a secret back. graphql-js quotes an invalid variable value in its message,
 * the whole input object when the mistake is one of its fields; the values of input fields the schema marks
 * `@secret` are masked there, whatever they hold. A real hub over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { expectCleanAnswer, hostileClient, type HostileClient } from '../../helpers/hostile-http.js';

const SECRET = `Zecho-${randomBytes(8).toString('hex')}`;
const CREATE = 'mutation ($input: CreateSourceInput!) { createSource(input: $input) { id } }';
const UPDATE = 'mutation ($id: ID!, $input: UpdateSourceInput!) { updateSource(id: $id, input: $input) { changedFields } }';

let test: TestHub;
let client: HostileClient;

beforeAll(async () => {
  test = await startTestHub({ http: true });
  client = hostileClient(test.http!.url, test.env.HUB_BOOTSTRAP_ADMIN_KEY);
});
afterAll(() => test?.close());

const base = { vendor: 'MLFLOW', name: 'echo', settings: { trackingUri: 'http://127.0.0.1:9' } };

describe('Variable coercion errors', () => {
  it.each([
    ['an unknown field next to it', CREATE, { input: { ...base, secret: { token: SECRET }, bogus: 1 } }, /Field "bogus" is not defined by type "CreateSourceInput"/],
    ['a missing required field', CREATE, { input: { name: 'echo', settings: {}, secret: { token: SECRET } } }, /Field "vendor" of required type "Vendor!" was not provided/],
    ['a secret that is a string', CREATE, { input: { ...base, secret: `literal ${SECRET}`, bogus: 1 } }, /Field "bogus"/],
    ['quotes and braces inside it', CREATE, { input: { ...base, secret: { token: `${SECRET}", x: "} ]`, password: SECRET }, bogus: 1 } }, /Field "bogus"/],
    ['updateSource', UPDATE, { id: 'U291cmNlOjA=', input: { secret: { apiKey: SECRET }, nope: true } }, /Field "nope" is not defined by type "UpdateSourceInput"/],
  ])('should mask the secret when its input is refused for %s', async (_case, query, variables, names) => {
    const answer = await client.graphql(query, variables);
    expectCleanAnswer(answer);
    const error = answer.body?.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    // Still says what is wrong, and shows the input around the secret.
    expect(error?.message).toMatch(names);
    expect(error?.message).toContain('secret: "[REDACTED]"');
    expect(answer.text).not.toContain(SECRET);
  });

  it('should keep showing input values that are not secret', async () => {
    const answer = await client.graphql(CREATE, { input: { ...base, scheduleSeconds: 'often' } });
    expect(answer.body?.errors?.[0].message).toContain('"often"');
  });
});
