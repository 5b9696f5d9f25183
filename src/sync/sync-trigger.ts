/** What started a sync run: its schedule, a person (API `triggerSync`, `hub sync`), or a retry of a failed run. */
export const SYNC_TRIGGERS = ['schedule', 'manual', 'retry'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

/** The triggers in words ("schedule, manual or retry"), for descriptions that list them. */
export const SYNC_TRIGGERS_IN_WORDS = `${SYNC_TRIGGERS.slice(0, -1).join(', ')} or ${SYNC_TRIGGERS.at(-1)}`;
