import { Field, ID, InputType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import { Role } from './role.enum.js';

@InputType({ description: 'A new person. VIEWER, DATA_SCIENTIST and OPERATOR are granted here; VALIDATOR, RISK_OFFICER and ADMIN through a role-grant request.' })
export class CreatePersonInput {
  @Field({ description: 'Email (unique, case-insensitive): how SSO sign-ins link by email and vendor owners resolve to the person.' })
  email!: string;

  @Field({ description: 'Name shown to other people.' })
  displayName!: string;

  @Field(() => [Role], { description: 'Roles to grant (may be empty).' })
  roles!: RoleName[];
}

@InputType({ description: 'Changes to a person; fields left out stay as they are.' })
export class UpdatePersonInput {
  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => [Role], { nullable: true, description: 'The complete new list of roles. Removing applies at once; adding VALIDATOR, RISK_OFFICER or ADMIN needs a role-grant request.' })
  roles?: RoleName[] | null;
}

@InputType({ description: 'An SSO sign-in to link to a person.' })
export class LinkIdentityInput {
  @Field(() => ID, { description: 'The person (a Person id).' })
  personId!: string;

  @Field({ description: 'The token’s `iss` (as OIDC_ISSUER).' })
  issuer!: string;

  @Field({ description: 'The token’s `sub` (the refusal of an unlinked sign-in names it).' })
  subject!: string;
}
