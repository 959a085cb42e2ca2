#!/usr/bin/env node
// Thin launcher so `npx lumensync` works after `npm run build`.
import { setFlagsFromString } from 'node:v8';

// Keep V8's young generation at its starting size instead of letting it grow to 2 × 16 MB: a
// 100,000-file scan keeps every entry it makes, which grows it to the maximum and leaves ~20 MB
// of peak RSS behind (BENCHMARKS.md, "Compact state"); no CPU cost was measurable on that pass.
// Read by the GC at run time, so it applies here; newer V8 versions clamp it to 2 (no effect).
setFlagsFromString('--semi-space-growth-factor=1');
await import('../dist/src/cli/entry.js');
