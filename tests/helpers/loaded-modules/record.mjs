// With `--import` (after the TypeScript loader), records the URL of every module the process or thread loads, one a
// line, into the file named by LOADED_MODULES_FILE.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url, { data: { file: process.env.LOADED_MODULES_FILE } });
