import { Field, ObjectType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import { Node } from '../relay/node.type.js';
import { DateTime } from '../scalars.js';
import { ApiKey } from './api-key.type.js';
import { Role } from './role.enum.js';

@ObjectType('SsoIdentity', { simpleResolvers: true, description: "A sign-in of the organisation's identity provider linked to a person: the token's issuer and subject." })
export class SsoIdentity {
  @Field({ description: 'The IdP (the token’s `iss`, as OIDC_ISSUER).' })
  issuer!: string;

  @Field({ description: 'The IdP’s stable id of the user (the token’s `sub`).' })
  subject!: string;

  @Field(() => String, { nullable: true, description: 'How it was linked: `email` (first sign-in with a verified email) or `admin:<principal id>`.' })
  linkedBy!: string | null;

  @Field(() => DateTime, { description: 'When it was linked.' })
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it stopped signing in (its person was deactivated); null while it works.' })
  disabledAt!: Date | null;

  @Field({ description: 'It signs in as its person (not disabled).' })
  active!: boolean;
}

@ObjectType('PersonIdentities', { simpleResolvers: true, description: 'Every credential of a person: API keys and SSO sign-ins.' })
export class PersonIdentities {
  @Field(() => [ApiKey], { description: 'API keys acting for the person, newest first (revoked and expired included).' })
  apiKeys!: ApiKey[];

  @Field(() => [SsoIdentity], { description: 'SSO sign-ins linked to the person.' })
  sso!: SsoIdentity[];
}

/**
 * A person: the unit independence compares. Each API key and SSO sign-in belongs to one person, and holds at most
 * the person's roles.
 */
@ObjectType('Person', { implements: Node, description: 'Someone who acts in the hub, through API keys and SSO sign-ins. Segregation of duties compares people.' })
export class Person extends Node {
  @Field({ description: 'Email, unique case-insensitively. Placeholders from the upgrade end in @keys.invalid.' })
  email!: string;

  @Field({ description: 'Name shown to other people.' })
  displayName!: string;

  @Field({ description: 'False once deactivated: none of the person’s keys or sign-ins work any more.' })
  active!: boolean;

  @Field(() => [Role], { description: 'Roles granted to the person. A key or sign-in holds at most these.' })
  roles!: RoleName[];

  @Field(() => DateTime, { description: 'When the person was created.' })
  createdAt!: Date;

  @Field(() => DateTime, { description: 'Last change to email, name, roles or state.' })
  updatedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the person was deactivated; null while active.' })
  deactivatedAt!: Date | null;
}
