#!/usr/bin/env node
// Copies the status page's static files (src/watch/page) next to the compiled daemon
// (dist/src/watch/page): tsc only emits .js for .ts, and the packed package ships dist/src.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
cpSync(join(root, 'src', 'watch', 'page'), join(root, 'dist', 'src', 'watch', 'page'), { recursive: true });
