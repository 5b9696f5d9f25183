import { describe, expect, it } from 'vitest';
import { CreationTimeFrontier } from '../../../connectors/sagemaker/search-fallback.js';
import { MODEL_NAME_PROPERTY, MODEL_SEARCH_MAX_FILTERS, modelNameSearchExpression, searchRecordHasContainers, searchRecordMatchesDescribe, searchRecordTags, searchRefusal } from '../../../connectors/sagemaker/unconfirmed.js';

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

  describe('modelNameSearchExpression', () => {
    it('should OR one Equals filter on the model name property per name, up to the documented 50', () => {
      expect(modelNameSearchExpression(['a-v1', 'b-v2'])).toEqual({
        Filters: [
          { Name: MODEL_NAME_PROPERTY, Operator: 'Equals', Value: 'a-v1' },
          { Name: MODEL_NAME_PROPERTY, Operator: 'Equals', Value: 'b-v2' },
        ],
        Operator: 'Or',
      });
      expect(MODEL_SEARCH_MAX_FILTERS).toBe(50);
      expect(modelNameSearchExpression(Array.from({ length: 50 }, (_, i) => `m-${i}`)).Filters).toHaveLength(50);
    });

    it('should refuse to build an expression SageMaker would reject, or one that asks for nothing', () => {
      expect(() => modelNameSearchExpression(Array.from({ length: 51 }, (_, i) => `m-${i}`))).toThrow(RangeError);
      expect(() => modelNameSearchExpression([])).toThrow(RangeError);
    });
  });

  describe('searchRecordHasContainers', () => {
    it('should take a model record without PrimaryContainer or Containers as incomplete', () => {
      expect(searchRecordHasContainers({ PrimaryContainer: { ModelPackageName: 'arn:x' } })).toBe(true);
      expect(searchRecordHasContainers({ Containers: [{ Image: 'i' }] })).toBe(true);
      expect(searchRecordHasContainers({ Containers: [] })).toBe(false);
      expect(searchRecordHasContainers({})).toBe(false);
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
