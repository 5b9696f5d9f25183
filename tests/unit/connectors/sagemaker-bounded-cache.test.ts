import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../../connectors/sagemaker/bounded-cache.js';

describe('BoundedCache', () => {
  describe('get', () => {
    it('should load a key once while it is cached, and forget the oldest key past the limit', async () => {
      const cache = new BoundedCache<string>(2);
      let loads = 0;
      const load = (value: string) => () => {
        loads++;
        return Promise.resolve(value);
      };
      expect(await cache.get('a', load('A'))).toBe('A');
      expect(await cache.get('a', load('other'))).toBe('A');
      await cache.get('b', load('B'));
      await cache.get('c', load('C'));
      expect(loads).toBe(3);
      expect(cache.peek('a')).toBeUndefined();
      expect(await cache.peek('c')).toBe('C');
    });

    it('should not keep a failed lookup, so the next caller retries it', async () => {
      const cache = new BoundedCache<string>(4);
      await expect(cache.get('a', () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
      expect(cache.peek('a')).toBeUndefined();
      expect(await cache.get('a', () => Promise.resolve('A'))).toBe('A');
    });
  });

  describe('set', () => {
    it('should keep a newer lookup when an older one for the same key fails', async () => {
      const cache = new BoundedCache<string>(4);
      let fail!: (error: Error) => void;
      const older = cache.set('a', new Promise<string>((_, reject) => (fail = reject)));
      const newer = cache.set('a', Promise.resolve('A'));
      fail(new Error('gone'));
      await expect(older).rejects.toThrow('gone');
      expect(cache.peek('a')).toBe(newer);
    });
  });
});
