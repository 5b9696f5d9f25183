import { Field, ID, InputType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import { DateTime } from '../scalars.js';
import { Role } from './role.enum.js';

@InputType({ description: 'A new API key.' })
export class CreateApiKeyInput {
  @Field(() => ID, { description: 'The person the key acts for (a Person id). The key carries a subset of their roles.' })
  personId!: string;

  @Field({ description: 'A label: what the key is for (e.g. "Power BI finance workspace"). Who acts is the person.' })
  name!: string;

  @Field(() => [Role], { description: 'Roles the key carries (at least one): roles both the person and you hold.' })
  roles!: RoleName[];

  @Field(() => DateTime, { nullable: true, description: 'When the key stops working; none by default.' })
  expiresAt?: Date | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Marks the key as a BI service account: it may run only the operations registered in the hub\'s trusted documents (HUB_TRUSTED_DOCUMENTS). Default false.',
  })
  biServiceAccount?: boolean | null;
}
