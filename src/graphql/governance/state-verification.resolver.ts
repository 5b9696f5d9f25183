import { Authorized, Query, Resolver } from 'type-graphql';
import type { HubServices } from '../services.js';
import { GovernedStateVerification } from './state-verification.type.js';

@Resolver()
export class StateVerificationResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized('RISK_OFFICER', 'ADMIN')
  @Query(() => GovernedStateVerification, {
    description:
      'Replays the audit trail into governed state (lifecycle states, requests and approvals, policies, risk tiers and owners, API keys) and reports every row that disagrees with it.',
  })
  verifyGovernedState(): Promise<GovernedStateVerification> {
    return this.services.stateReplay.verify();
  }
}
