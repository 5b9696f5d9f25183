import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract.js';
import { describeError } from '../../../src/sync/sync.service.js';

describe('describeError', () => {
  const socket = (port: number) => Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED' });

  it('should describe a vendor that cannot be reached as the vendor\'s failure, not the database\'s', () => {
    const unreachable = new ConnectorError('mlflow: search could not reach the server (ECONNREFUSED)', 'mlflow', null, true, { cause: new TypeError('fetch failed', { cause: socket(5000) }) });

    expect(describeError(unreachable)).toBe('ConnectorError: mlflow: search could not reach the server (ECONNREFUSED)');
  });

  it('should describe a database that cannot be reached as such', () => {
    expect(describeError(new Error('Failed query: insert …', { cause: socket(5432) }))).toBe(
      'The database became unreachable during the sync (connect ECONNREFUSED 127.0.0.1:5432); the batch being written was rolled back.',
    );
  });
});
