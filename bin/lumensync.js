#!/usr/bin/env node
// Thin launcher so `npx lumensync` works after `npm run build`.
import '../dist/src/cli/entry.js';
