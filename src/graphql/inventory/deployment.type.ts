import { Directive, Field, Float, ObjectType } from 'type-graphql';
import { JSONObject } from '../scalars.js';
import type { DeploymentEnvironment as DeploymentEnvironmentValue, DeploymentStatus as DeploymentStatusValue } from '../../../connectors/contract.js';
import type { StoredMetric } from '../../inventory/queries/records.js';
import { DeploymentEnvironment, DeploymentStatus } from '../enums.js';
import { Metric } from './metric.type.js';
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

  @Field(() => DeploymentEnvironment, { description: "Where it runs, by its source's environment rule." })
  environment!: DeploymentEnvironmentValue;

  @Field(() => String, {
    nullable: true,
    description: "The environment as the vendor words it: the environment tag's value, DataRobot's prediction environment, the MLflow alias or stage.",
  })
  environmentRaw!: string | null;

  @Field(() => JSONObject, { description: 'Vendor tags / labels of the deployment as key → value.' })
  tags!: Record<string, string>;

  @Field(() => DeploymentStatus, {
    description:
      "The deployment's status at the vendor, mapped to one vocabulary so that one filter or chart works across vendors " +
      "(as `environment` is). The vendor's own word, which earlier releases returned here, is `statusRaw`.",
  })
  status!: DeploymentStatusValue;

  @Field(() => String, { nullable: true, description: "The vendor's status value before mapping (`InService`, `active`, `Running`)." })
  statusRaw!: string | null;

  @Field(() => [Metric], {
    description: 'Figures the vendor reports inline for the deployment itself (kind PRODUCTION); empty where it reports none (see the README table).',
  })
  metrics!: StoredMetric[];

  @Field({ description: 'Live at the vendor and in the PRODUCTION environment: serves production traffic.' })
  servingProduction!: boolean;

  @Field(() => String, { nullable: true, description: 'Serving URL where the vendor exposes one.' })
  endpointUrl!: string | null;

  @Field(() => Float, { nullable: true, description: 'Share of the endpoint traffic (0..1) routed to this version.' })
  trafficShare!: number | null;

  @Field(() => String, { nullable: true, description: "Link to the deployment in the vendor's UI." })
  deepLink!: string | null;
}
