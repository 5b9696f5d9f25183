import { describe, expect, it } from 'vitest';
import { searchRecordMatchesDescribe, searchRefusal } from '../../../connectors/sagemaker/unconfirmed.js';

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
});
