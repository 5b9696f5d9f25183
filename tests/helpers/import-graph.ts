import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One file importing another (paths relative to the repository). */
export interface FileImport {
  from: string;
  to: string;
}

/**
 * The module a file belongs to: `src/<folder>` for files in a folder of src, the file itself for a file at src's root
 * (`src/config.ts`), `connectors/<folder>` for a vendor or shared folder, and `connectors/` for the files at the root
 * of connectors (the contract).
 */
export function moduleOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'connectors') return parts.length > 2 ? `connectors/${parts[1]}` : 'connectors/';
  return parts.slice(0, 2).join('/');
}

function typeScriptFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(folder, file).split('\\').join('/'));
}

/** Every relative import (static, type-only, re-export, dynamic) of the TypeScript files under `folders`. */
export function fileImports(folders: readonly string[] = ['src', 'connectors']): FileImport[] {
  const imports: FileImport[] = [];
  for (const from of folders.flatMap(typeScriptFiles)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, from), 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = normalize(join(dirname(from), fileName)).replace(/\.js$/, '.ts').split('\\').join('/');
      imports.push({ from, to: relative(ROOT, join(ROOT, to)).split('\\').join('/') });
    }
  }
  return imports;
}

/**
 * Groups of modules that import each other, directly or through others (strongly connected components of more than
 * one module), each described by the file imports that join its modules: `a -> b: a/x.ts imports b/y.ts`.
 */
export function moduleCycles(imports: readonly FileImport[]): string[][] {
  const edges = new Map<string, Map<string, FileImport[]>>();
  for (const link of imports) {
    const [a, b] = [moduleOf(link.from), moduleOf(link.to)];
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Map());
    if (!edges.has(b)) edges.set(b, new Map());
    const byTarget = edges.get(a)!;
    byTarget.set(b, [...(byTarget.get(b) ?? []), link]);
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node)!.keys()) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component.sort());
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) =>
    component.flatMap((a) =>
      [...edges.get(a)!]
        .filter(([b]) => component.includes(b))
        .flatMap(([b, links]) => links.map((link) => `${a} -> ${b}: ${link.from} imports ${link.to}`)),
    ),
  );
}
