/** Rewrites the export reference of README.md from src/exports/export-definitions.ts (see src/exports/export-docs.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withExportReference } from '../src/exports/export-docs.js';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
writeFileSync(readme, withExportReference(readFileSync(readme, 'utf8')));
console.log('README.md: export reference rewritten');
