import { eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { persons, type PersonRow } from '../db/schema/index.js';

/**
 * Pure lookups of people. Emails compare case-insensitively (the unique index is on lower(email)), so
 * `Vera@Bank.example` and `vera@bank.example` are one person.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findPersonById(db: Executor, id: string): Promise<PersonRow | null> {
  if (!UUID.test(id)) return null;
  const [row] = await db.select().from(persons).where(eq(persons.id, id));
  return row ?? null;
}

/** The person with this email (any case, surrounding spaces ignored), or null; also inactive ones. */
export async function findPersonByEmail(db: Executor, email: string): Promise<PersonRow | null> {
  const normalised = email.trim().toLowerCase();
  if (normalised.length === 0) return null;
  const [row] = await db.select().from(persons).where(sql`lower(${persons.email}) = ${normalised}`);
  return row ?? null;
}

/** Many persons at once (DataLoader batches), in no particular order. */
export async function findPersonsByIds(db: Executor, ids: readonly string[]): Promise<PersonRow[]> {
  const valid = [...new Set(ids.filter((id) => UUID.test(id)))];
  if (valid.length === 0) return [];
  return db.select().from(persons).where(inArray(persons.id, valid));
}
