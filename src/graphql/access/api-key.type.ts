import { Field, ID, ObjectType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import { DateTime } from '../scalars.js';
import { Role } from './role.enum.js';

/** An API key as administrators see it. The key itself is shown once, at creation; its hash is never exposed. */
@ObjectType('ApiKey', { simpleResolvers: true, description: 'An API key for BI tools and automation (the key itself is never readable).' })
export class ApiKey {
  @Field(() => ID, { description: 'Opaque id (for revokeApiKey).' })
  id!: string;

  @Field({ description: 'What the key is for, as given at creation.' })
  name!: string;

  @Field({ description: 'The public start of the key (`mh_xxxxxxxx`), to recognise it in logs or a leak report.' })
  prefix!: string;

  @Field(() => [Role], { description: 'Roles every request made with this key holds.' })
  roles!: RoleName[];

  @Field({ description: 'Identity of whoever created it.' })
  createdBy!: string;

  @Field(() => DateTime, { description: 'When the key was created.' })
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'Last successful use (recorded at most once a minute).' })
  lastUsedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the key stops working; null when it does not expire.' })
  expiresAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When an ADMIN revoked the key; null while it is not revoked.' })
  revokedAt!: Date | null;

  @Field({ description: 'Neither revoked nor expired.' })
  active!: boolean;

  /** The person the key acts for (resolved by ApiKeyPersonResolver). */
  personId!: string;
  @Field({ description: "A BI service account's key: it runs only registered operations (trusted documents)." })
  biServiceAccount!: boolean;
}

@ObjectType({ description: 'The result of createApiKey.' })
export class CreateApiKeyPayload {
  @Field({ description: 'The key. Shown only now: store it in the client; the hub keeps only a hash.' })
  key!: string;

  @Field(() => ApiKey, { description: 'The stored description of the key (everything but the key itself).' })
  apiKey!: ApiKey;
}
