import type { Principal } from '../auth/principal.js';
import { InputError, NotFoundError, type FieldProblem } from '../errors.js';
import { findPersonByEmail } from '../people/people.repository.js';
import { isRiskTier, type RiskTier } from './policies.js';
import { TEXT_LIMITS, tooLong } from './limits.js';
import { ownerChangeTightens, tierChangeTightens } from './controls.js';
import { supersedePendingOfModel } from './apply-control.js';
import { CLASSIFIER_ROLES } from './roles.js';
import { fourEyes, requireRole, type CallContext, type GovernanceDeps } from './governance-deps.js';
import { ModelAttributesRepository, type ModelAttributesPatch } from './model-attributes.repository.js';
import type { ModelAttributesRecord } from './records.js';

export interface GovernanceAttributesPatch {
  /** Absent: unchanged; null: cleared. */
  riskTier?: RiskTier | null;
  businessUnit?: string | null;
  accountableOwner?: string | null;
}

/** A model's risk tier, owner and business unit: governance-owned, audited, never touched by syncs. */
export class ModelAttributesService {
  private readonly models = new ModelAttributesRepository();

  constructor(private readonly deps: GovernanceDeps) {}

  /**
   * Sets a model's risk tier, business unit and accountable owner (RISK_OFFICER, ADMIN). Only what tightens applies
   * here: the business unit, a raised tier or a first classification, a first owner. Lowering or clearing a tier and
   * moving or clearing an owner are refused with FOUR_EYES_REQUIRED naming the request mutation (see controls.ts). A
   * tier change supersedes the model's pending lifecycle requests.
   */
  async setModelGovernance(modelId: string, patch: GovernanceAttributesPatch, actor: Principal, ctx: CallContext = {}): Promise<ModelAttributesRecord> {
    requireRole(actor, CLASSIFIER_ROLES, 'set governance attributes');
    if (patch.riskTier != null && !isRiskTier(patch.riskTier)) {
      throw new InputError('Unknown risk tier.', [{ path: 'riskTier', message: 'Use LOW, MEDIUM, HIGH or CRITICAL.' }]);
    }
    const longOwner = tooLong('accountableOwner', patch.accountableOwner, TEXT_LIMITS.evidenceTitle);
    const longUnit = tooLong('businessUnit', patch.businessUnit, TEXT_LIMITS.evidenceTitle);
    if (longOwner || longUnit) throw new InputError('A governance attribute is too long.', [longOwner, longUnit].filter((p): p is FieldProblem => p !== null));
    const clean = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());
    const next = { riskTier: patch.riskTier, businessUnit: clean(patch.businessUnit), accountableOwner: clean(patch.accountableOwner) };
    return this.deps.db.transaction(async (tx) => {
      const model = await this.models.lock(tx, modelId);
      if (!model) throw new NotFoundError(`Model ${modelId} does not exist.`);
      const before: Record<string, unknown> = {};
      const after: ModelAttributesPatch = {};
      for (const key of ['riskTier', 'businessUnit', 'accountableOwner'] as const) {
        if (next[key] !== undefined && next[key] !== model[key]) {
          before[key] = model[key];
          after[key] = next[key];
        }
      }
      if (Object.keys(after).length === 0) return model;
      if ('riskTier' in after && !tierChangeTightens(model.riskTier as RiskTier | null, after.riskTier as RiskTier | null)) {
        throw fourEyes('RISK_TIER_CHANGE', `Lowering or clearing a risk tier (${model.riskTier} → ${after.riskTier ?? 'none'}) needs a second RISK_OFFICER`);
      }
      if ('accountableOwner' in after) {
        const from = model.accountableOwner ?? model.accountableOwnerPersonId;
        if (!ownerChangeTightens(from, after.accountableOwner ?? null)) {
          throw fourEyes('OWNER_CHANGE', "Moving or clearing a model's accountable owner needs a second RISK_OFFICER");
        }
        // The owner as a person where the text is a person's email: who may not validate the model.
        after.accountableOwnerPersonId = (await findPersonByEmail(tx, after.accountableOwner as string))?.id ?? null;
      }
      const updated = await this.models.update(tx, modelId, after);
      await this.deps.audit.record(tx, { actor, action: 'model.governance_updated', entityKind: 'model', entityId: modelId, before, after, requestId: ctx.requestId });
      if ('riskTier' in after) {
        await supersedePendingOfModel(tx, this.deps.audit, {
          modelId,
          reason: `The model's risk tier changed from ${model.riskTier ?? 'unclassified'} to ${after.riskTier}; open a new request under the policy of the new tier.`,
          actor,
          now: this.deps.now(),
          requestId: ctx.requestId,
        });
      }
      return updated;
    });
  }
}
