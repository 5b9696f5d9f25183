import { Field, InputType, registerEnumType } from 'type-graphql';
import type { SortDirection as SortDirectionValue } from '../../page.js';
import { SortDirection } from '../enums.js';

const values = <T extends string>(names: readonly T[]) => Object.fromEntries(names.map((n) => [n, n])) as { [K in T]: K };

export const ModelOrderField = values(['NAME', 'CREATED', 'UPDATED', 'RISK_TIER'] as const);
export const ModelVersionOrderField = values(['NAME', 'CREATED', 'UPDATED', 'RISK_TIER', 'STATE'] as const);
export const DeploymentOrderField = values(['NAME', 'CREATED', 'UPDATED', 'RISK_TIER', 'STATE'] as const);
export const SourceOrderField = values(['NAME', 'CREATED', 'UPDATED'] as const);
export const SyncRunOrderField = values(['STARTED'] as const);
export const InventoryChangeOrderField = values(['AT'] as const);
export const FindingOrderField = values(['OPENED', 'KIND'] as const);

const VALUE_DOCS: Record<string, string> = {
  NAME: 'By name.',
  CREATED: 'By when the hub first saw the record.',
  UPDATED: 'By when the record last changed.',
  RISK_TIER: "By the model's risk tier, LOW < MEDIUM < HIGH < CRITICAL (unclassified first).",
  STATE: 'By governed lifecycle state, DEVELOPMENT < VALIDATION < APPROVED < PRODUCTION < RETIRED.',
  STARTED: 'By start time.',
  AT: 'By when the change was recorded.',
  OPENED: 'By when the finding was opened.',
  KIND: 'By finding kind.',
};
const documented = (fields: Record<string, string>) => Object.fromEntries(Object.keys(fields).map((key) => [key, { description: VALUE_DOCS[key] }]));

const FIELD_DOC = 'Ties break on id.';
registerEnumType(ModelOrderField, { name: 'ModelOrderField', description: `Sort key for models. ${FIELD_DOC}`, valuesConfig: documented(ModelOrderField) });
registerEnumType(ModelVersionOrderField, { name: 'ModelVersionOrderField', description: `Sort key for versions (NAME = model name, then version number). ${FIELD_DOC}`, valuesConfig: documented(ModelVersionOrderField) });
registerEnumType(DeploymentOrderField, { name: 'DeploymentOrderField', description: `Sort key for deployments (RISK_TIER and STATE via the deployed version). ${FIELD_DOC}`, valuesConfig: documented(DeploymentOrderField) });
registerEnumType(SourceOrderField, { name: 'SourceOrderField', description: 'Sort key for sources.', valuesConfig: documented(SourceOrderField) });
registerEnumType(SyncRunOrderField, { name: 'SyncRunOrderField', description: 'Sort key for sync runs: start time.', valuesConfig: documented(SyncRunOrderField) });
registerEnumType(InventoryChangeOrderField, { name: 'InventoryChangeOrderField', description: 'Sort key for inventory changes: when recorded.', valuesConfig: documented(InventoryChangeOrderField) });
registerEnumType(FindingOrderField, { name: 'FindingOrderField', description: 'Sort key for findings.', valuesConfig: documented(FindingOrderField) });

/** Declares `<Name>Order { field, direction }` with defaults; ties always break on id in the same direction. */
function OrderInput<F extends string>(name: string, fieldEnum: { [K in F]: K }, defaultField: NoInfer<F>, defaultDirection: SortDirectionValue) {
  @InputType(name, { description: `Ordering (default ${defaultField} ${defaultDirection}); ties break on id, so pages are stable.` })
  class Order {
    @Field(() => fieldEnum, { defaultValue: defaultField, description: 'Sort key.' })
    field!: F;

    @Field(() => SortDirection, { defaultValue: defaultDirection, description: 'Direction.' })
    direction!: SortDirectionValue;
  }
  return Order;
}

export const ModelOrder = OrderInput('ModelOrder', ModelOrderField, 'NAME', 'ASC');
export const ModelVersionOrder = OrderInput('ModelVersionOrder', ModelVersionOrderField, 'NAME', 'ASC');
export const DeploymentOrder = OrderInput('DeploymentOrder', DeploymentOrderField, 'NAME', 'ASC');
export const SourceOrder = OrderInput('SourceOrder', SourceOrderField, 'NAME', 'ASC');
export const SyncRunOrder = OrderInput('SyncRunOrder', SyncRunOrderField, 'STARTED', 'DESC');
export const InventoryChangeOrder = OrderInput('InventoryChangeOrder', InventoryChangeOrderField, 'AT', 'DESC');
export const FindingOrder = OrderInput('FindingOrder', FindingOrderField, 'OPENED', 'DESC');
export type OrderValue<F extends string> = { field: F; direction: SortDirectionValue };

/** The cursor scope: a cursor from another connection or another ordering is refused. */
export const cursorScope = (connection: string, order: OrderValue<string>) => `${connection}:${order.field}:${order.direction}`;
