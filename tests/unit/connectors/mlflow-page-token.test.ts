import { describe, expect, it } from 'vitest';
import { MalformedResponseError } from '../../../connectors/contract.js';
import { nextPageToken } from '../../../connectors/mlflow/page-token.js';

describe('nextPageToken', () => {
  const where = { label: 'MLflow at http://mlflow.example', operation: 'registered-models/search' };

  it('should give the next token, and undefined at the end (absent or empty token)', () => {
    expect(nextPageToken('b', 'a', where)).toBe('b');
    expect(nextPageToken('a', undefined, where)).toBe('a');
    expect(nextPageToken(undefined, 'a', where)).toBeUndefined();
    expect(nextPageToken('', 'a', where)).toBeUndefined();
    expect(nextPageToken(null, undefined, where)).toBeUndefined();
  });

  it('should refuse a repeated token with an error naming the server and the search', () => {
    const error = (() => {
      try {
        nextPageToken('a', 'a', where);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error).toMatchObject({ vendor: 'mlflow', retryable: true, message: 'MLflow at http://mlflow.example: registered-models/search returned the same page token twice' });
  });
});
