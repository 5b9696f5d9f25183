import { ArrayMaxSize, ArrayMinSize, ValidateNested } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import type { StatsDimension as StatsDimensionValue } from '../../inventory/queries/stats.js';
import { StatsDimension } from '../enums.js';
import { ConnectionArgs } from '../relay/connection.args.js';
import { InventoryFilterInput } from './inventory-filter.input.js';
import {
  DeploymentOrder,
  FindingOrder,
  InventoryChangeOrder,
  ModelOrder,
  ModelVersionOrder,
  SourceOrder,
  SyncRunOrder,
  type OrderValue,
} from './ordering.input.js';
import { FindingFilterInput, InventoryChangeFilterInput, SourceFilterInput, SyncRunFilterInput } from './read-filters.input.js';

@ArgsType()
export class ModelsArgs extends ConnectionArgs {
  @Field(() => InventoryFilterInput, { nullable: true, description: 'Which models.' })
  @ValidateNested()
  filter?: InventoryFilterInput | null;

  @Field(() => ModelOrder, { nullable: true, description: 'Order of the pages (default NAME ASC).' })
  orderBy?: OrderValue<'NAME' | 'CREATED' | 'UPDATED' | 'RISK_TIER'> | null;
}

@ArgsType()
export class ModelVersionsArgs extends ConnectionArgs {
  @Field(() => InventoryFilterInput, { nullable: true, description: 'Which versions.' })
  @ValidateNested()
  filter?: InventoryFilterInput | null;

  @Field(() => ModelVersionOrder, { nullable: true, description: 'Order of the pages (default NAME ASC: model name, version number).' })
  orderBy?: OrderValue<'NAME' | 'CREATED' | 'UPDATED' | 'RISK_TIER' | 'STATE'> | null;
}

@ArgsType()
export class DeploymentsArgs extends ConnectionArgs {
  @Field(() => InventoryFilterInput, { nullable: true, description: 'Which deployments.' })
  @ValidateNested()
  filter?: InventoryFilterInput | null;

  @Field(() => DeploymentOrder, { nullable: true, description: 'Order of the pages (default NAME ASC).' })
  orderBy?: OrderValue<'NAME' | 'CREATED' | 'UPDATED' | 'RISK_TIER' | 'STATE'> | null;
}

@ArgsType()
export class SourcesArgs extends ConnectionArgs {
  @Field(() => SourceFilterInput, { nullable: true, description: 'Which sources.' })
  @ValidateNested()
  filter?: SourceFilterInput | null;

  @Field(() => SourceOrder, { nullable: true, description: 'Order of the pages (default NAME ASC).' })
  orderBy?: OrderValue<'NAME' | 'CREATED' | 'UPDATED'> | null;
}

@ArgsType()
export class SyncRunsArgs extends ConnectionArgs {
  @Field(() => SyncRunFilterInput, { nullable: true, description: 'Which runs.' })
  @ValidateNested()
  filter?: SyncRunFilterInput | null;

  @Field(() => SyncRunOrder, { nullable: true, description: 'Order of the pages (default STARTED DESC).' })
  orderBy?: OrderValue<'STARTED'> | null;
}

@ArgsType()
export class InventoryChangesArgs extends ConnectionArgs {
  @Field(() => InventoryChangeFilterInput, { nullable: true, description: 'Which changes.' })
  @ValidateNested()
  filter?: InventoryChangeFilterInput | null;

  @Field(() => InventoryChangeOrder, { nullable: true, description: 'Order of the pages (default AT DESC).' })
  orderBy?: OrderValue<'AT'> | null;
}

@ArgsType()
export class FindingsArgs extends ConnectionArgs {
  @Field(() => FindingFilterInput, { nullable: true, description: 'Which findings.' })
  @ValidateNested()
  filter?: FindingFilterInput | null;

  @Field(() => FindingOrder, { nullable: true, description: 'Order of the pages (default OPENED DESC).' })
  orderBy?: OrderValue<'OPENED' | 'KIND'> | null;
}

@ArgsType()
export class InventoryStatsArgs {
  @Field(() => [StatsDimension], { description: 'Dimensions to group by (one to four); an empty group-by is not allowed.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  groupBy!: StatsDimensionValue[];

  @Field(() => InventoryFilterInput, { nullable: true, description: 'Which model versions to count.' })
  @ValidateNested()
  filter?: InventoryFilterInput | null;
}
