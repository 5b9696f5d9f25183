import { Directive, Field, Int, ObjectType } from 'type-graphql';
import type { LifecycleState as LifecycleStateValue, ObservedStage as ObservedStageValue, VersionStatus as VersionStatusValue } from '../../../connectors/contract.js';
import type { StoredMetric } from '../../inventory/queries/records.js';
import { LifecycleState, ObservedStage, VersionStatus } from '../enums.js';
import { Metric } from './metric.type.js';
import { Node } from '../relay/node.type.js';
import { DateTime, JSONObject } from '../scalars.js';
import { VendorRecord } from './vendor-record.type.js';

@Directive('@key(fields: "id")')
@ObjectType('ModelVersion', {
  implements: Node,
  simpleResolvers: true,
  description: 'One version of a model (SageMaker model package, MLflow model version, …): the unit governance approves.',
})
export class ModelVersion extends VendorRecord {
  @Field({ description: 'Version label at the vendor.' })
  version!: string;

  @Field(() => Int, { nullable: true, description: 'Numeric version where the vendor has one (for ordering).' })
  versionNumber!: number | null;

  @Field(() => String, { nullable: true, description: 'Description at the vendor.' })
  description!: string | null;

  @Field(() => ObservedStage, { description: 'What the vendor says about the stage of this version.' })
  observedStage!: ObservedStageValue;

  @Field(() => String, { nullable: true, description: "The vendor's stage value before mapping." })
  observedStageRaw!: string | null;

  @Field(() => VersionStatus, {
    description:
      "The version's status at the vendor, mapped to one vocabulary so that one filter or chart works across vendors " +
      "(as `observedStage` is). The vendor's own word, which earlier releases returned here, is `statusRaw`.",
  })
  status!: VersionStatusValue;

  @Field(() => String, { nullable: true, description: "The vendor's status value before mapping (SageMaker `Completed`, MLflow `READY`, DataRobot `complete`)." })
  statusRaw!: string | null;

  @Field(() => String, { nullable: true, description: 'Who created the version at the vendor.' })
  createdBy!: string | null;

  @Field(() => String, { nullable: true, description: 'Where the model artefact is stored.' })
  artifactUri!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The ML framework or algorithm the version was built with, in the vendor's words: SageMaker's inference container " +
      "framework (`XGBOOST`), DataRobot's Leaderboard model type. Null where the vendor does not say (MLflow, Domino).",
  })
  framework!: string | null;

  @Field(() => JSONObject, {
    description: 'Lineage: training run (`runId`), experiment or project (`projectId`, `projectName`), commit, datasets (fields the vendor exposes).',
  })
  lineage!: Record<string, unknown>;

  @Field(() => [Metric], {
    description:
      'Metrics the vendor reports for this version (MLflow run metrics, DataRobot Leaderboard scores), each with its kind; ' +
      'empty where the vendor exposes none inline (SageMaker keeps its reports in S3).',
  })
  metrics!: StoredMetric[];

  @Field(() => JSONObject, { description: 'Parameters of the training run (MLflow run params) as name → value; empty where the vendor exposes none.' })
  params!: Record<string, string>;

  @Field(() => JSONObject, { description: 'Vendor tags as key → value.' })
  tags!: Record<string, string>;

  @Field(() => String, { nullable: true, description: "Link to the version in the vendor's UI." })
  deepLink!: string | null;

  @Field(() => LifecycleState, { description: 'Governed lifecycle state (hub-owned; changes only through approved change requests).' })
  lifecycleState!: LifecycleStateValue;

  @Field(() => DateTime, { nullable: true, description: 'When the governed state last changed.' })
  lifecycleChangedAt!: Date | null;
}
