import { eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { models } from '../db/schema/index.js';
import type { ModelAttributesRecord } from './records.js';

const ATTRIBUTES = {
  id: models.id,
  riskTier: models.riskTier,
  businessUnit: models.businessUnit,
  accountableOwner: models.accountableOwner,
  accountableOwnerPersonId: models.accountableOwnerPersonId,
};

export type ModelAttributesPatch = Partial<Omit<ModelAttributesRecord, 'id'>>;

/** Storage of models' governance attributes: the only columns of `models` governance writes. */
export class ModelAttributesRepository {
  /** Locks the model row: attribute changes and control decisions on one model run one after another. */
  async lock(db: Executor, modelId: string): Promise<ModelAttributesRecord | undefined> {
    const [row] = await db.select(ATTRIBUTES).from(models).where(eq(models.id, modelId)).for('update');
    return row;
  }

  async update(db: Executor, modelId: string, patch: ModelAttributesPatch): Promise<ModelAttributesRecord> {
    const [row] = await db.update(models).set(patch).where(eq(models.id, modelId)).returning(ATTRIBUTES);
    return row;
  }

  /** Accountable owners as person ids, per model id; models without one are absent. */
  async ownerPersonIds(db: Executor, modelIds: readonly string[]): Promise<Map<string, string>> {
    if (modelIds.length === 0) return new Map();
    const rows = await db
      .select({ id: models.id, personId: models.accountableOwnerPersonId })
      .from(models)
      .where(inArray(models.id, [...modelIds]));
    return new Map(rows.filter((r) => r.personId !== null).map((r) => [r.id, r.personId!]));
  }
}
