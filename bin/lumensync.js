#!/usr/bin/env node
// Launcher for `npx lumensync` / the installed `lumensync`. It runs the bundle `npm run build`
// writes to dist/bundle (scripts/bundle.mjs: a few files instead of ~150 modules to resolve and
// compile, 0.1–0.2 s of every start), and the plain compiled modules when there is none.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (Node 20 has no such cache: nothing happens there).
if (typeof module.enableCompileCache === 'function' && process.env.LUMENSYNC_NO_COMPILE_CACHE === undefined) module.enableCompileCache();
const bundled = new URL('../dist/bundle/entry.js', import.meta.url);
await import(existsSync(bundled) ? bundled.href : '../dist/src/cli/entry.js');
