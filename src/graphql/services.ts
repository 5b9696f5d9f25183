import type { InventoryReadService } from '../inventory/inventory-read.service.js';
import type { SourceService } from '../sources/source.service.js';
import type { ApiKeyService } from '../auth/api-key.service.js';
import type { GovernanceServices } from '../governance/governance-services.js';
import type { AuditService } from '../audit/audit.service.js';
import type { StateReplayService } from '../audit/state-replay.service.js';
import type { SyncService } from '../sync/sync.service.js';
import type { OperationsService } from '../observability/operations.service.js';
import type { WriteBackStatusReader } from '../governance/write-back-status.js';
import type { PeopleService } from '../people/people.service.js';

/**
 * Everything resolvers may call. Built once by the composition root (src/main/server.ts) and handed to each resolver
 * class through its constructor (see build-schema.ts's container). Resolvers never touch the database or vendors.
 */
export interface HubServices {
  inventory: InventoryReadService;
  sources: SourceService;
  apiKeys: ApiKeyService;
  /** Governance, one service per job (attributes, policies, change requests, decisions, expiry, controls, reads). */
  governance: GovernanceServices;
  audit: AuditService;
  /** Replays the audit trail against the governed state (verifyGovernedState). */
  stateReplay: StateReplayService;
  sync: SyncService;
  operations: OperationsService;
  /** Change requests' write-back status, derived from their outbox rows. */
  writeBackStatus: WriteBackStatusReader;
  people: PeopleService;
}
