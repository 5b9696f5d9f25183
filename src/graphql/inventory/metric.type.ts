import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { MetricKind as MetricKindValue } from '../../../connectors/contract.js';
import { MetricKind } from '../enums.js';
import { DateTime } from '../scalars.js';

@ObjectType('Metric', {
  simpleResolvers: true,
  description:
    'One numeric figure the vendor reports for a version or a deployment, typed the same way for every vendor. ' +
    "The vendor's raw form stays in `vendorAttributes`.",
})
export class Metric {
  @Field({ description: 'The metric name as the vendor gives it (MLflow key such as `val_auc`; DataRobot `<metric>.<partition>` such as `AUC.holdout`).' })
  name!: string;

  @Field(() => Float, { description: 'The value.' })
  value!: number;

  @Field(() => Int, { nullable: true, description: 'Training step or epoch where the vendor records one (MLflow `step`).' })
  step!: number | null;

  @Field(() => DateTime, { nullable: true, description: 'When the vendor recorded the value (vendor clock), where it says.' })
  timestamp!: string | null;

  @Field(() => MetricKind, { description: 'The data it was computed on: training, held-out validation, or production traffic.' })
  kind!: MetricKindValue;
}
