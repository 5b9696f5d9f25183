import { Directive, Field, InputType, Int } from 'type-graphql';
import type { Vendor as VendorId } from '../../../connectors/contract.js';
import type { SecretInput } from '../../auth/secret-box.js';
import { Vendor } from '../enums.js';
import { JSONValue, JSONObject } from '../scalars.js';

const SECRET_DOC =
  "The vendor's credential (e.g. {\"token\": \"…\"} for MLflow). Write-only: stored encrypted, never returned by any query. " +
  'Instead of the value, "env:NAME" (or {"$env": "NAME"}) makes the hub read the JSON secret from its environment variable NAME at use time.';

@InputType({ description: 'A new source (connector instance). Settings and secret are validated by the vendor’s own schema; every invalid field is named.' })
export class CreateSourceInput {
  @Field(() => Vendor, { description: 'The platform the source reads; fixed once the source exists.' })
  vendor!: VendorId;

  @Field({ description: 'Unique name (1-100 characters).' })
  name!: string;

  @Field(() => JSONObject, { description: 'Non-secret settings of the vendor (e.g. {"trackingUri": "https://mlflow.example.com"}).' })
  settings!: Record<string, unknown>;

  @Directive('@secret')
  @Field(() => JSONValue, { nullable: true, description: SECRET_DOC })
  secret?: SecretInput | null;

  @Field(() => Int, { nullable: true, description: 'Seconds between scheduled syncs, 60 to 604800 (7 days). Default 3600.' })
  scheduleSeconds?: number;

  @Field({ nullable: true, description: 'Whether scheduled syncs run. Default true.' })
  enabled?: boolean;
}

@InputType({ description: 'Changes to a source; omitted fields stay as they are. `settings` replaces the whole settings object.' })
export class UpdateSourceInput {
  @Field({ nullable: true, description: 'New unique name (1-100 characters).' })
  name?: string;

  @Field(() => JSONObject, { nullable: true, description: "Replaces the whole settings object; validated by the vendor's schema." })
  settings?: Record<string, unknown>;

  @Directive('@secret')
  @Field(() => JSONValue, {
    nullable: true,
    description:
      `${SECRET_DOC} Omit to keep the current secret; null removes it (where the vendor works without one). ` +
      'Required when `settings` changes where the credential is sent (trackingUri, endpoint, host, region): such a change without it is refused with CREDENTIAL_REQUIRED.',
  })
  secret?: SecretInput | null;

  @Field(() => Int, { nullable: true, description: 'Seconds between scheduled syncs, 60 to 604800 (7 days).' })
  scheduleSeconds?: number;

  @Field({ nullable: true, description: 'Whether scheduled syncs run.' })
  enabled?: boolean;
}
