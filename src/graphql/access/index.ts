import { ApiKeyResolver } from './api-key.resolver.js';
import { MeResolver } from './me.resolver.js';

/** Resolver classes of access administration. */
export const accessResolvers = [ApiKeyResolver, MeResolver] as const;
