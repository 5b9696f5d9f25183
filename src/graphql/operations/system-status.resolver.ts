import { Authorized, Query, Resolver } from 'type-graphql';
import { toGlobalId } from '../../global-id.js';
import type { HubServices } from '../services.js';
import { SystemStatus } from './system-status.type.js';

@Resolver()
export class SystemStatusResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized('OPERATOR', 'ADMIN')
  @Query(() => SystemStatus, { description: 'Operational summary for IT operations: sources with last and next run, queue depths, open findings, pending approvals, write-back backlog.' })
  async systemStatus(): Promise<SystemStatus> {
    const status = await this.services.operations.status();
    return { ...status, sources: status.sources.map((s) => ({ ...s, id: toGlobalId('Source', s.id) })) };
  }
}
