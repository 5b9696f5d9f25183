import { SourceMutationResolver } from './source.resolver.js';
import { SourceVendorResolver } from './source-vendor.resolver.js';

/** Resolver classes of connector configuration (the read side is in ../inventory). */
export const sourceResolvers = [SourceMutationResolver, SourceVendorResolver] as const;
