import { Field, InputType } from 'type-graphql';
import type { Role as RoleName } from '../../auth/principal.js';
import { DateTime } from '../scalars.js';
import { Role } from './role.enum.js';

@InputType({ description: 'A new API key.' })
export class CreateApiKeyInput {
  @Field({ description: 'What the key is for (e.g. "Power BI finance workspace").' })
  name!: string;

  @Field(() => [Role], { description: 'Roles the key grants (at least one).' })
  roles!: RoleName[];

  @Field(() => DateTime, { nullable: true, description: 'When the key stops working; none by default.' })
  expiresAt?: Date | null;
}
