/**
 * Modules depend one way: no folder of src/ or connectors/ imports, directly or through others, a folder that imports
 * it back (the folder-level graph of ARCHITECTURE.md: connectors' contract at the bottom, src/main at the top).
 */
import { describe, expect, it } from 'vitest';
import { fileImports, moduleCycles, moduleOf } from '../../helpers/import-graph.js';

describe('Module imports', () => {
  const imports = fileImports();

  it('should form no cycle among the folders of src/ and connectors/', () => {
    // On failure: each cycle, as the file imports that join its folders.
    expect(moduleCycles(imports)).toEqual([]);
  });

  it('should read the imports the cycle check relies on (static, type-only and dynamic)', () => {
    const between = (a: string, b: string) => imports.filter((i) => moduleOf(i.from) === a && moduleOf(i.to) === b).map((i) => `${i.from} -> ${i.to}`);

    expect(between('connectors/mlflow', 'connectors/')).toContain('connectors/mlflow/index.ts -> connectors/contract.ts');
    expect(between('src/auth', 'src/audit')).toContain('src/auth/api-key.service.ts -> src/audit/audit-recorder.ts');
    expect(between('src/jobs', 'src/jobs')).toContain('src/jobs/job-runtime.ts -> src/jobs/bullmq.ts');
  });

  it('should name the files on each side of a cycle, also one through a third folder', () => {
    const cycles = moduleCycles([
      { from: 'src/a/x.ts', to: 'src/b/y.ts' },
      { from: 'src/b/y.ts', to: 'src/c/z.ts' },
      { from: 'src/c/z.ts', to: 'src/a/w.ts' },
      { from: 'src/c/z.ts', to: 'connectors/contract.ts' },
    ]);

    expect(cycles).toEqual([['src/a -> src/b: src/a/x.ts imports src/b/y.ts', 'src/b -> src/c: src/b/y.ts imports src/c/z.ts', 'src/c -> src/a: src/c/z.ts imports src/a/w.ts']]);
  });
});
