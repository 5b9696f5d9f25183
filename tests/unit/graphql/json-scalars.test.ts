import { parseValue } from 'graphql';
import { describe, expect, it } from 'vitest';
import { JSONObject, JSONValue } from '../../../src/graphql/scalars.js';

/** JSON written inline in a query must reach the services as the same ordinary objects a variable would. */
describe('JSON scalars', () => {
  it('should turn an inline object literal into ordinary objects and arrays at every depth', () => {
    const value = JSONObject.parseLiteral(parseValue('{ trackingUri: "https://mlflow.example.com", aliases: [{ name: "champion" }], nested: { deep: { n: 1 } } }')) as any;

    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(value.aliases[0])).toBe(Object.prototype);
    expect(Object.getPrototypeOf(value.nested.deep)).toBe(Object.prototype);
    expect(value).toEqual({ trackingUri: 'https://mlflow.example.com', aliases: [{ name: 'champion' }], nested: { deep: { n: 1 } } });
  });

  it('should keep a "__proto__" key as data, as JSON.parse does, without changing any prototype', () => {
    const value = JSONValue.parseLiteral(parseValue('{ __proto__: { polluted: true } }')) as any;

    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(value.polluted).toBeUndefined();
    expect(({} as any).polluted).toBeUndefined();
  });

  it('should substitute variables inside an inline object', () => {
    const value = JSONObject.parseLiteral(parseValue('{ trackingUri: $uri }'), { uri: 'https://mlflow.example.com' }) as any;

    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value).toEqual({ trackingUri: 'https://mlflow.example.com' });
  });
});
