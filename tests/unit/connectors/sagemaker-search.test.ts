import { describe, expect, it } from 'vitest';
import { CreationTimeFrontier } from '../../../connectors/sagemaker/search-fallback.js';
import { searchRecordMatchesDescribe, searchRecordTags, searchRefusal } from '../../../connectors/sagemaker/unconfirmed.js';

/** What the SDK throws for an awsJson error answer: an Error whose name is the `__type` suffix. */
function sdkError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

describe('SageMaker Search assumptions', () => {
  describe('searchRefusal', () => {
    it('should treat a missing sagemaker:Search permission, a rejected expression and an unknown operation as refusals', () => {
      expect(searchRefusal(sdkError('AccessDeniedException', 'User: x is not authorized to perform: sagemaker:Search'))).toBe('AccessDeniedException: User: x is not authorized to perform: sagemaker:Search');
      expect(searchRefusal(sdkError('ValidationException', 'The property is not searchable'))).toMatch(/^ValidationException/);
      expect(searchRefusal(sdkError('UnknownOperationException', 'Unknown operation SageMaker.Search'))).toMatch(/^UnknownOperationException/);
    });

    it('should leave bad credentials, throttling and outages to the usual handling, which fails or retries the run', () => {
      for (const name of ['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'MissingAuthenticationTokenException', 'ThrottlingException', 'InternalFailure', 'ServiceUnavailable']) {
        expect(searchRefusal(sdkError(name, 'no'))).toBeNull();
      }
      expect(searchRefusal(new TypeError('fetch failed'))).toBeNull();
      expect(searchRefusal(undefined)).toBeNull();
    });
  });

  describe('searchRecordMatchesDescribe', () => {
    it('should keep groups with managed storage on the Describe path, whose output alone carries ManagedStorageType', () => {
      expect(searchRecordMatchesDescribe({})).toBe(true);
      expect(searchRecordMatchesDescribe({ ManagedConfiguration: { ManagedStorageType: 'Restricted' } })).toBe(false);
    });
  });

  describe('searchRecordTags', () => {
    it('should take an endpoint record without Tags as unknown tags, and an empty list as none', () => {
      expect(searchRecordTags({ Tags: [{ Key: 'environment', Value: 'production' }] })).toEqual([{ Key: 'environment', Value: 'production' }]);
      expect(searchRecordTags({ Tags: [] })).toEqual([]);
      expect(searchRecordTags({})).toBeNull();
    });
  });
});

describe('CreationTimeFrontier', () => {
  const at = (seconds: number) => new Date(seconds * 1000);

  describe('covers', () => {
    it('should cover, for a newest-first listing, what is newer than the oldest record given and the ones given at that instant', () => {
      const frontier = new CreationTimeFrontier('Descending');
      expect(frontier.covers(at(10), 'a')).toBe(false);
      for (const [time, key] of [[30, 'c'], [20, 'b1'], [20, 'b2']] as const) frontier.add(at(time), key);
      expect(frontier.covers(at(25), 'x')).toBe(true);
      expect(frontier.covers(at(20), 'b2')).toBe(true);
      expect(frontier.covers(at(20), 'b3')).toBe(false);
      expect(frontier.covers(at(10), 'a')).toBe(false);
      expect(frontier.covers(undefined, 'c')).toBe(false);
    });

    it('should cover, for an oldest-first listing, what is older than the newest record given and the ones given at that instant', () => {
      const frontier = new CreationTimeFrontier('Ascending');
      for (const [time, key] of [[10, 'a'], [20, 'b1'], [20, 'b2']] as const) frontier.add(at(time), key);
      frontier.add(undefined, 'no-time');
      frontier.add(at(15), undefined);
      expect(frontier.covers(at(15), 'x')).toBe(true);
      expect(frontier.covers(at(20), 'b1')).toBe(true);
      expect(frontier.covers(at(20), 'b3')).toBe(false);
      expect(frontier.covers(at(30), 'c')).toBe(false);
    });
  });
});
