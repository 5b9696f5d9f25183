import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { toPageRequest } from '../../../src/graphql/relay/connection.js';
import { decodeCursor, encodeCursor } from '../../../src/graphql/relay/cursor.js';
import { fromGlobalId, toGlobalId } from '../../../src/global-id.js';

const UUID = '3f2b8c1e-9a4d-4e7f-8b21-0c5d6e7f8a9b';

describe('globalId', () => {
  describe('fromGlobalId', () => {
    it('should round-trip a type and uuid', () => {
      expect(fromGlobalId(toGlobalId('Model', UUID))).toEqual({ type: 'Model', id: UUID });
    });

    it.each([
      ['garbage', 'not an id'],
      ['empty', ''],
      ['oversized', 'A'.repeat(200)],
      ['no uuid', Buffer.from('Model:42').toString('base64url')],
      ['no type', Buffer.from(`:${UUID}`).toString('base64url')],
    ])('should refuse a %s id with InputError', (_name, id) => {
      expect(() => fromGlobalId(id)).toThrow(InputError);
    });

    it('should refuse an id of another type than expected', () => {
      expect(() => fromGlobalId(toGlobalId('Deployment', UUID), 'Model')).toThrow(/identifies a Deployment, expected Model/);
    });
  });
});

describe('cursor', () => {
  describe('decodeCursor', () => {
    it('should round-trip a keyset position within its scope', () => {
      const position = { keys: ['fraud', '3'], id: UUID };
      expect(decodeCursor('models:NAME:ASC', encodeCursor('models:NAME:ASC', position))).toEqual(position);
    });

    it('should refuse a cursor from another scope', () => {
      const cursor = encodeCursor('models:NAME:ASC', { keys: ['x'], id: UUID });
      expect(() => decodeCursor('models:NAME:DESC', cursor)).toThrow(/another connection or ordering/);
    });

    it.each(['garbage', Buffer.from('["models:NAME:ASC",[1],"x"]').toString('base64url'), 'x'.repeat(2000)])('should refuse malformed cursor %#', (cursor) => {
      expect(() => decodeCursor('models:NAME:ASC', cursor)).toThrow(InputError);
    });
  });
});

describe('toPageRequest', () => {
  const scope = 'models:NAME:ASC';

  it('should default to the first 50 rows', () => {
    expect(toPageRequest({}, scope, 500)).toEqual({ size: 50, direction: 'forward', boundary: undefined });
  });

  it('should page backward with last and before', () => {
    const before = encodeCursor(scope, { keys: ['m'], id: UUID });
    expect(toPageRequest({ last: 10, before }, scope, 500)).toEqual({ size: 10, direction: 'backward', boundary: { keys: ['m'], id: UUID } });
  });

  it.each([
    ['negative first', { first: -1 }],
    ['first above the maximum', { first: 501 }],
    ['first with last', { first: 1, last: 1 }],
    ['after with last', { last: 1, after: encodeCursor(scope, { keys: ['m'], id: UUID }) }],
  ])('should refuse %s', (_name, args) => {
    expect(() => toPageRequest(args, scope, 500)).toThrow(InputError);
  });

  it('should honour a smaller configured maximum', () => {
    expect(() => toPageRequest({ first: 200 }, scope, 100)).toThrow(/at most 100/);
  });
});
