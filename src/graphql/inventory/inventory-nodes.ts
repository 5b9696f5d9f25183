import { registerNodeResolver } from '../relay/node-registry.js';

/** Inventory types refetchable through `node`/`nodes` and `_entities`, batched through the request's loaders. */
registerNodeResolver('Model', (ids, ctx) => ctx.loaders.model.loadMany(ids).then(throwFirstError));
registerNodeResolver('ModelVersion', (ids, ctx) => ctx.loaders.version.loadMany(ids).then(throwFirstError));
registerNodeResolver('Deployment', (ids, ctx) => ctx.loaders.deployment.loadMany(ids).then(throwFirstError));
registerNodeResolver('Source', (ids, ctx) => ctx.loaders.source.loadMany(ids).then(throwFirstError));
registerNodeResolver('SyncRun', (ids, ctx) => ctx.loaders.syncRun.loadMany(ids).then(throwFirstError));
registerNodeResolver('InventoryChange', (ids, ctx) => ctx.loaders.inventoryChange.loadMany(ids).then(throwFirstError));
registerNodeResolver('Finding', (ids, ctx) => ctx.loaders.finding.loadMany(ids).then(throwFirstError));

function throwFirstError<T>(values: Array<T | Error>): Array<T | null> {
  for (const value of values) if (value instanceof Error) throw value;
  return values as Array<T | null>;
}
