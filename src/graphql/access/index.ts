import { ApiKeyPersonResolver, ApiKeyResolver } from './api-key.resolver.js';
import { MeResolver } from './me.resolver.js';
import { PersonResolver } from './person.resolver.js';

/** Resolver classes of access administration. */
export const accessResolvers = [ApiKeyResolver, ApiKeyPersonResolver, MeResolver, PersonResolver] as const;
