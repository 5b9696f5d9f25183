import { FieldResolver, Resolver, Root } from 'type-graphql';
import { allowedTargets, type LifecycleState as LifecycleStateName } from '../../governance/lifecycle.js';
import type { ModelVersionRecord } from '../../inventory/queries/records.js';
import { LifecycleState } from '../enums.js';
import { ModelVersion } from '../inventory/model-version.type.js';

/** The lifecycle's rules on each version, so clients offer only the moves the hub would accept. */
@Resolver(() => ModelVersion)
export class VersionTransitionsResolver {
  @FieldResolver(() => [LifecycleState], { description: 'The governed states this version may be asked to move to from its current one (a change request still needs its approvals).' })
  allowedTransitions(@Root() version: ModelVersionRecord): readonly LifecycleStateName[] {
    return version.deletedAt ? [] : allowedTargets(version.lifecycleState);
  }
}
