import { describe, expect, it } from 'vitest';
import { SYNC_TRIGGERS, SYNC_TRIGGERS_IN_WORDS } from '../../../src/sync/sync-trigger.js';

describe('sync triggers', () => {
  it('should name the three ways a run starts, in the words the API describes them with', () => {
    expect(SYNC_TRIGGERS).toEqual(['schedule', 'manual', 'retry']);
    expect(SYNC_TRIGGERS_IN_WORDS).toBe('schedule, manual or retry');
  });
});
