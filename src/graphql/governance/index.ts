import { registerNodeResolver } from '../relay/node-registry.js';
import { READ_ROLES } from '../auth-checker.js';
import { ChangeRequestResolver, ModelVersionGovernanceResolver } from './change-request.resolver.js';
import { GovernanceAdminResolver } from './governance-admin.resolver.js';
import { VersionTransitionsResolver } from './version-transitions.resolver.js';
import { CONTROL_REQUEST_TYPE, ControlRequestResolver } from './control-request.resolver.js';
import { ApprovalPeopleResolver, ChangeRequestPeopleResolver, ControlRequestPeopleResolver, ModelOwnerResolver } from './people-of-governance.resolver.js';
import { StateVerificationResolver } from './state-verification.resolver.js';

// AuditEvent is not a Node: it is identified by its `seq`, and global ids carry uuids.
registerNodeResolver('ChangeRequest', (ids, ctx) => ctx.loaders.changeRequest.loadMany(ids).then(throwFirstError), READ_ROLES);
registerNodeResolver(CONTROL_REQUEST_TYPE, (ids, ctx) => ctx.services.governance.controls.byIds(ids), READ_ROLES);

/** Resolver classes of governance (issue 7). Importing this module also registers ChangeRequest as a Node. */
export const governanceResolvers = [
  ChangeRequestResolver,
  ModelVersionGovernanceResolver,
  GovernanceAdminResolver,
  VersionTransitionsResolver,
  ControlRequestResolver,
  ModelOwnerResolver,
  ChangeRequestPeopleResolver,
  ApprovalPeopleResolver,
  ControlRequestPeopleResolver,
  StateVerificationResolver,
] as const;

function throwFirstError<T>(values: Array<T | Error>): Array<T | null> {
  for (const value of values) if (value instanceof Error) throw value;
  return values as Array<T | null>;
}
