import { SystemStatusResolver } from './system-status.resolver.js';

/** Operational queries for IT operations (issue 8). */
export const operationsResolvers = [SystemStatusResolver] as const;
