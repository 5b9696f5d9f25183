import { Args, Authorized, Query, Resolver } from 'type-graphql';
import { READ_ROLES } from '../auth-checker.js';
import { toGlobalId } from '../../global-id.js';
import type { HubServices } from '../services.js';
import { InventoryStatsArgs } from './inventory.args.js';
import { toInventoryFilter } from './inventory-filter.input.js';
import { InventoryStatsGroup } from './inventory-stats.type.js';

@Resolver()
export class InventoryStatsResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...READ_ROLES)
  @Query(() => [InventoryStatsGroup], {
    description: 'Counts of model versions grouped by the requested dimensions, in one round trip (for dashboards). Tombstoned versions are excluded unless the filter includes them.',
  })
  async inventoryStats(@Args() args: InventoryStatsArgs): Promise<InventoryStatsGroup[]> {
    const groups = await this.services.inventory.stats(args.groupBy, toInventoryFilter(args.filter));
    return groups.map((group) => ({ ...group, sourceId: group.sourceId ? toGlobalId('Source', group.sourceId) : group.sourceId }) as InventoryStatsGroup);
  }
}
