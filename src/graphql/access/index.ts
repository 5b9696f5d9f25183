import { ApiKeyResolver } from './api-key.resolver.js';

/** Resolver classes of access administration. */
export const accessResolvers = [ApiKeyResolver] as const;
