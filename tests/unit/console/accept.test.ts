import { describe, expect, it } from 'vitest';
import { prefersHtml } from '../../../src/console/accept.js';

const wants = (accept: string | undefined) => prefersHtml({ headers: accept === undefined ? {} : { accept } });

describe('prefersHtml', () => {
  it('should recognise a browser navigation', () => {
    expect(wants('text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8')).toBe(true);
    expect(wants('application/xhtml+xml')).toBe(true);
  });

  it('should leave GraphQL clients, scripts and fetch() to the API', () => {
    expect(wants(undefined)).toBe(false);
    expect(wants('*/*')).toBe(false);
    expect(wants('application/json')).toBe(false);
    expect(wants('application/graphql-response+json, application/json;q=0.9')).toBe(false);
    expect(wants('application/json, text/html;q=0.5')).toBe(false);
  });

  it('should weigh quality values, and break ties by order', () => {
    expect(wants('application/json;q=0.5, text/html')).toBe(true);
    expect(wants('text/html, application/json')).toBe(true);
    expect(wants('application/json, text/html')).toBe(false);
    expect(wants('text/html;q=0')).toBe(false);
  });
});
