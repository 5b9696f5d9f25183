import { timestamp } from 'drizzle-orm/pg-core';

/** Hub-side bookkeeping timestamps (not the vendor's). */
export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

export const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
