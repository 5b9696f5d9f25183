import { Directive, Field, Float, ObjectType } from 'type-graphql';
import { Node } from '../relay/node.type.js';
import { VendorRecord } from './vendor-record.type.js';

@Directive('@key(fields: "id")')
@ObjectType('Deployment', {
  implements: Node,
  simpleResolvers: true,
  description:
    'Where a version serves: SageMaker endpoint variant, DataRobot deployment, Domino Model API, or an MLflow alias/stage as a logical deployment.',
})
export class Deployment extends VendorRecord {
  @Field({ description: 'Name at the vendor.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Environment as the vendor names it (prod, staging, …).' })
  environment!: string | null;

  @Field(() => String, { nullable: true, description: 'Vendor status (InService, active, …).' })
  status!: string | null;

  @Field({ description: 'Whether this deployment serves production traffic, as observed at the vendor.' })
  servingProduction!: boolean;

  @Field(() => String, { nullable: true, description: 'Serving URL where the vendor exposes one.' })
  endpointUrl!: string | null;

  @Field(() => Float, { nullable: true, description: 'Share of the endpoint traffic (0..1) routed to this version.' })
  trafficShare!: number | null;

  @Field(() => String, { nullable: true, description: "Link to the deployment in the vendor's UI." })
  deepLink!: string | null;
}
