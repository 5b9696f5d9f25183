import { SourceMutationResolver } from './source.resolver.js';

/** Resolver classes of connector configuration (the read side is in ../inventory). */
export const sourceResolvers = [SourceMutationResolver] as const;
