import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import { Role } from './role.enum.js';

export const CredentialKind = { API_KEY: 'API_KEY', SSO: 'SSO' } as const;
export type CredentialKind = keyof typeof CredentialKind;

registerEnumType(CredentialKind, {
  name: 'CredentialKind',
  description: 'How a request was authenticated.',
  valuesConfig: {
    API_KEY: { description: 'An API key of the hub.' },
    SSO: { description: "A bearer token of the organisation's identity provider (OIDC)." },
  },
});

/** The caller as the hub sees it: what the console shows as "signed in as", and what segregation of duties compares. */
@ObjectType('Principal', { simpleResolvers: true, description: 'Who is making the request: the identity it was authenticated as, and its roles.' })
export class PrincipalType {
  @Field(() => ID, { description: 'The identity decisions are recorded under (`requesterId`, `approverId`, `actorId` hold this value).' })
  id!: string;

  @Field({ description: 'Human-readable name (the API key name, or the token’s name or email).' })
  displayName!: string;

  @Field(() => [Role], { description: 'Roles the request holds. ADMIN holds every role.' })
  roles!: RoleName[];

  @Field(() => CredentialKind, { description: 'How the request was authenticated.' })
  credential!: CredentialKind;
}
