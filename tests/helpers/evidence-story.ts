import { sql } from 'drizzle-orm';
import type { Principal } from '../../src/auth/principal.js';
import type { Db } from '../../src/db/client.js';
import { queryRows } from '../../src/db/sql.js';
import type { GovernanceServices } from '../../src/governance/governance-services.js';
import { accepted } from './governance.js';

/**
 * A governed version's whole story, as the evidence pack must tell it: a hostile vendor (model name and deep link
 * that would run script if echoed), classification, three approved requests up to PRODUCTION with people's comments,
 * an ungoverned-production finding the last one resolves, and the vendor's write-back receipts.
 */
export const HOSTILE_MODEL_NAME = '<script>alert(1)</script>';
export const HOSTILE_DEEP_LINK = 'javascript:alert(3)';
export const HOSTILE_JUSTIFICATION = 'Champion for Q3 <img src=x onerror=alert(2)> beats the current model by 4 points of AUC.';

export const STORY_PEOPLE = {
  scientist: { id: 'sso|dana', personId: null, displayName: 'Dana Scientist', roles: ['DATA_SCIENTIST'], kind: 'jwt' },
  validator: { id: 'sso|victor', personId: null, displayName: 'Victor Validator', roles: ['VALIDATOR'], kind: 'jwt' },
  risk: { id: 'sso|rita', personId: null, displayName: 'Rita Risk', roles: ['RISK_OFFICER'], kind: 'jwt' },
} satisfies Record<string, Principal>;

export interface GovernedStory {
  versionId: string;
  modelId: string;
  productionRequestId: string;
  findingId: string;
}

/** The first version (by model name, version number) of a synced source, walked to PRODUCTION. */
export async function governedVersionStory(db: Db, governance: GovernanceServices, sourceId: string): Promise<GovernedStory> {
  const [picked] = await queryRows<{ id: string; model_id: string }>(
    db,
    sql`select v.id::text as id, v.model_id::text as model_id from model_versions v join models m on m.id = v.model_id
        where v.source_id = ${sourceId}::uuid and v.deleted_at is null order by m.name, v.version_number limit 1`,
  );
  // What a hostile (or careless) vendor could send: the sync stores vendor text as given.
  await db.execute(sql`update models set name = ${HOSTILE_MODEL_NAME} where id = ${picked.model_id}::uuid`);
  await db.execute(sql`update model_versions set deep_link = ${HOSTILE_DEEP_LINK} where id = ${picked.id}::uuid`);
  await governance.attributes.setModelGovernance(picked.model_id, { riskTier: 'MEDIUM', businessUnit: 'Retail credit', accountableOwner: 'olga@example.com' }, STORY_PEOPLE.risk);

  const walk = async (toState: 'VALIDATION' | 'APPROVED' | 'PRODUCTION', justification: string, approvers: Array<[Principal, string]>) => {
    const request = await accepted(governance.changeRequests.requestLifecycleTransition(
      { modelVersionId: picked.id, toState, justification, evidence: [{ title: `${toState} report`, url: `https://wiki.example.com/validation/${toState.toLowerCase()}` }], replacesVersionId: null },
      STORY_PEOPLE.scientist,
    ));
    for (const [approver, comment] of approvers) await accepted(governance.decisions.approveChangeRequest(request.id, comment, approver));
    return request.id;
  };
  await walk('VALIDATION', 'Ready for independent validation.', [[STORY_PEOPLE.validator, 'Taking it.']]);
  await walk('APPROVED', 'Validation passed on the holdout set.', [[STORY_PEOPLE.validator, 'Backtest reviewed: stable.']]);
  const [finding] = await queryRows<{ id: string }>(
    db,
    sql`insert into findings (kind, source_id, entity_kind, entity_id, message)
        values ('UNGOVERNED_PRODUCTION', ${sourceId}::uuid, 'version', ${picked.id}::uuid, 'Serves production traffic without governed PRODUCTION state.') returning id::text as id`,
  );
  const productionRequestId = await walk('PRODUCTION', HOSTILE_JUSTIFICATION, [
    [STORY_PEOPLE.validator, 'Validated on the Q3 holdout.'],
    [STORY_PEOPLE.risk, 'Risk accepted for Q3 <b>only</b>.'],
  ]);
  return { versionId: picked.id, modelId: picked.model_id, productionRequestId, findingId: finding.id };
}

/** Waits until every write-back of the version's requests is final (the hub's workers deliver them to the simulator). */
export async function writeBacksSettled(db: Db, versionId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await queryRows<{ open: number }>(
      db,
      sql`select count(*)::int as open from write_back_outbox o join change_requests r on r.id = o.change_request_id
          where r.model_version_id = ${versionId}::uuid and o.status in ('PENDING', 'IN_PROGRESS')`,
    );
    if (Number(row.open) === 0) return;
    if (Date.now() > deadline) throw new Error(`write-backs of ${versionId} still open after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
