import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** Field names selected below a field (aliases ignored; fragments and inline fragments merged). */
export type SelectionTree = Map<string, SelectionTree>;

function collect(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, into: SelectionTree, depth: number): void {
  if (!set || depth > 12) return;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      const child = into.get(name) ?? new Map();
      into.set(name, child);
      collect(selection.selectionSet, info, child, depth + 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, info, into, depth);
    } else {
      collect(info.fragments[selection.name.value]?.selectionSet, info, into, depth);
    }
  }
}

/**
 * What the client selected under the current field, for look-ahead planning (fetch nested data with the page
 * instead of field by field). Conservative: `@skip`/`@include` are ignored, so it may over-fetch, never under-fetch.
 */
export function selectionTree(info: GraphQLResolveInfo): SelectionTree {
  const tree: SelectionTree = new Map();
  for (const node of info.fieldNodes as FieldNode[]) collect(node.selectionSet, info, tree, 0);
  return tree;
}

/** The merged selection under a connection's nodes (`edges { node { … } }` and `nodes { … }`). */
export function connectionNodeSelection(tree: SelectionTree): SelectionTree {
  const merged: SelectionTree = new Map();
  for (const source of [tree.get('edges')?.get('node'), tree.get('nodes')]) {
    if (!source) continue;
    for (const [name, child] of source) merged.set(name, mergeTrees(merged.get(name), child));
  }
  return merged;
}

function mergeTrees(a: SelectionTree | undefined, b: SelectionTree): SelectionTree {
  if (!a) return b;
  const out: SelectionTree = new Map(a);
  for (const [name, child] of b) out.set(name, mergeTrees(out.get(name), child));
  return out;
}
