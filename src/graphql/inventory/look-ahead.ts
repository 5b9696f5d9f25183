import type { GraphQLResolveInfo } from 'graphql';
import type { ModelPageInclude } from '../../inventory/inventory-read.service.js';
import { connectionNodeSelection, selectionTree, type SelectionTree } from '../selection.js';

/**
 * Record keys a field's resolver reads besides the key of its own name. A field of the same name as a record key
 * reads that key; `id` always comes; relation fields resolved by id (versions, findings, changes …) need nothing more.
 * A new resolver on Model, ModelVersion or Deployment that reads another key must be listed here, or look-ahead pages
 * will leave that key out of the record.
 */
const MODEL_FIELD_KEYS: Readonly<Record<string, readonly string[]>> = { source: ['sourceId'] };
const VERSION_FIELD_KEYS: Readonly<Record<string, readonly string[]>> = { source: ['sourceId'], model: ['modelId'] };
const DEPLOYMENT_FIELD_KEYS: Readonly<Record<string, readonly string[]>> = { source: ['sourceId'], version: ['versionId'] };

function recordKeys(selection: SelectionTree, fieldKeys: Readonly<Record<string, readonly string[]>>): string[] {
  const keys: string[] = [];
  for (const name of selection.keys()) {
    keys.push(name);
    const extra = Object.hasOwn(fieldKeys, name) ? fieldKeys[name] : undefined;
    if (extra) keys.push(...extra);
  }
  return keys;
}

/**
 * Plans a models page from the client's selection: only the selected columns, and nested versions / deployments
 * fetched with the page (one statement) when selected.
 */
export function modelPageInclude(info: GraphQLResolveInfo): ModelPageInclude {
  const node = connectionNodeSelection(selectionTree(info));
  const versions = node.get('versions');
  const deployments = versions?.get('deployments');
  return {
    fields: recordKeys(node, MODEL_FIELD_KEYS),
    versions: versions
      ? { fields: recordKeys(versions, VERSION_FIELD_KEYS), deployments: deployments ? { fields: recordKeys(deployments, DEPLOYMENT_FIELD_KEYS) } : null }
      : null,
  };
}
