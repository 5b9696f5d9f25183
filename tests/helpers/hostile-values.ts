import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { toGlobalId } from '../../src/global-id.js';
import { pick } from './hostile-http.js';

/**
 * Random, boundary and oversized values for any GraphQL input type, and whole operations built from a root field's
 * arguments. Strings avoid the leak markers of hostile-http.ts on purpose: refusals may quote a preview of the input.
 */

/** Injection and encoding attacks aimed at SQL, LIKE, JSON paths, headers and terminals. */
export const HOSTILE_STRINGS: readonly string[] = [
  "' or 1=1 --",
  "'; drop table models; --",
  '" or ""="',
  '%_\\',
  '%',
  '_',
  '\\',
  '$.a[*]',
  '$..*',
  '{"$ne": null}',
  '\u0000',
  'nul\u0000in the middle',
  '\u0001\u001f\u007f',
  'line\r\nX-Injected: 1',
  '\u202eevil\u202c',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ 中文 👩‍👩‍👧',
  '\ud800',
  '',
  ' ',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/a}',
];

const LONG = 'x'.repeat(10_000);
const UUID = '00000000-0000-4000-8000-000000000000';

/** Ids the generator mixes in: real ones of every type (supplied by the test), forged and malformed ones. */
export function hostileIds(realIds: readonly string[]): string[] {
  return [
    ...realIds,
    toGlobalId('Model', UUID),
    toGlobalId('Source', UUID),
    toGlobalId('ChangeRequest', UUID),
    toGlobalId('Nope', UUID),
    toGlobalId('Model', 'not-a-uuid'),
    toGlobalId('Model', `${UUID}' or '1'='1`),
    Buffer.from(`Model:${UUID.toUpperCase()}`).toString('base64'),
    'not-an-id!',
    UUID,
    LONG,
    '',
    '=',
    '𝔘𝔫𝔦',
  ];
}

const INTS: readonly unknown[] = [-1, 0, 1, 2, 60, 500, 501, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1.5, '10', true, null];
const FLOATS: readonly unknown[] = [-1, 0, 0.5, 1, 1.0000001, 1e308, -1e308, '0.5', null];
const DATES: readonly unknown[] = ['2024-01-01T00:00:00Z', '2024-13-45T99:99:99Z', 'not a date', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:01Z', 1e20, '', null];

function deepJson(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

const JSONS: readonly unknown[] = [
  {},
  [],
  'env:HOME',
  'env:NOT_A_VARIABLE',
  { $env: 'PATH' },
  { trackingUri: 'http://169.254.169.254/latest/meta-data/' },
  { trackingUri: 'file:///etc/passwd' },
  { endpoint: "http://127.0.0.1' or 1=1/" },
  { token: 'line\r\nX-Injected: 1' },
  { $where: '1' },
  deepJson(200),
  { big: LONG },
  42,
  null,
];

export interface ValueContext {
  random: () => number;
  ids: readonly string[];
}

/** A value for `type`: usually shaped like it, often hostile, sometimes the wrong shape altogether. */
export function hostileValue(type: GraphQLInputType, context: ValueContext): unknown {
  const { random } = context;
  if (isNonNullType(type)) return random() < 0.08 ? null : hostileValue(type.ofType, context);
  if (random() < 0.05) return null;
  if (isListType(type)) {
    const roll = random();
    if (roll < 0.1) return hostileValue(type.ofType, context);
    if (roll < 0.2) return [];
    const length = roll < 0.3 ? 150 : 1 + Math.floor(random() * 3);
    return Array.from({ length }, () => hostileValue(type.ofType, context));
  }
  const named = getNamedType(type);
  if (isEnumType(named)) {
    const values = named.getValues().map((v) => v.name);
    return pick(random, [...values, ...values, 'NOPE', values[0]?.toLowerCase() ?? 'x', '', 7]);
  }
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields());
    const value: Record<string, unknown> = {};
    for (const field of fields) {
      if (random() < (isNonNullType(field.type) ? 0.1 : 0.5)) continue;
      value[field.name] = hostileValue(field.type, context);
    }
    if (random() < 0.15) value.unexpectedField = pick(random, HOSTILE_STRINGS);
    return random() < 0.05 ? pick(random, HOSTILE_STRINGS) : value;
  }
  if (isScalarType(named)) {
    switch (named.name) {
      case 'ID':
        return pick(random, context.ids);
      case 'Int':
        return pick(random, INTS);
      case 'Float':
        return pick(random, FLOATS);
      case 'Boolean':
        return pick(random, [true, false, 'true', 1]);
      case 'DateTime':
        return pick(random, DATES);
      case 'JSON':
      case 'JSONObject':
        return pick(random, JSONS);
      default:
        return random() < 0.1 ? LONG : pick(random, HOSTILE_STRINGS);
    }
  }
  return null;
}

/** The GraphQL type of an argument as written in a variable definition. */
const typeText = (argument: GraphQLArgument): string => String(argument.type);

/**
 * One operation calling `field` with every argument bound to a variable, selecting only `__typename` (or nothing for
 * leaf results): the point is what the arguments do, not what the result holds.
 */
export function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, context: ValueContext): { query: string; variables: Record<string, unknown> } {
  const variables: Record<string, unknown> = {};
  for (const argument of field.args) {
    const value = hostileValue(argument.type, context);
    if (value !== undefined) variables[argument.name] = value;
  }
  const definitions = field.args.map((a) => `$${a.name}: ${typeText(a)}`).join(', ');
  const call = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  const query = `${kind} Generated${definitions ? `(${definitions})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`;
  return { query, variables };
}
