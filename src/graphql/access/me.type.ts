import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import type { PersonRecord } from '../../people/person-record.js';
import { Person } from './person.type.js';
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

  @Field({ description: 'The person’s display name.' })
  displayName!: string;

  @Field(() => [Role], { description: 'Roles the request holds: the credential’s roles that the person also holds. ADMIN administers; it stands in for no other role.' })
  roles!: RoleName[];

  @Field(() => CredentialKind, { description: 'How the request was authenticated.' })
  credential!: CredentialKind;

  @Field(() => Person, { nullable: true, description: 'The person behind the credential: who independence counts (null only for the hub’s own system identities).' })
  person!: PersonRecord | null;
}
