import { Field, ObjectType } from 'type-graphql';
import { JSONObject } from '../scalars.js';
import type { Vendor as VendorId } from '../../../connectors/contract.js';
import { Vendor } from '../enums.js';

@ObjectType({ simpleResolvers: true, description: "A vendor a source can read, with the fields its settings and secret take (the schemas the server validates with)." })
export class SourceVendor {
  @Field(() => Vendor, { description: 'The platform.' })
  vendor!: VendorId;

  @Field({ description: 'Its name for people.' })
  label!: string;

  @Field(() => JSONObject, { description: 'JSON Schema (draft 2020-12) of `settings` as entered.' })
  settingsSchema!: Record<string, unknown>;

  @Field(() => JSONObject, { description: 'JSON Schema of `secret` as entered: `anyOf` lists the credential kinds; `{"type": "null"}` among them means the source may have none.' })
  secretSchema!: Record<string, unknown>;
}
