#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/entry.js) and its dependencies into dist/bundle/, split
// at the dynamic imports (one chunk per command). Node's start then reads a few files instead of
// resolving and compiling ~150 ESM and CommonJS modules one by one: BENCHMARKS.md, "Start-up".
// bin/lumensync.js runs the bundle when it exists and falls back to dist/src otherwise.
//
// Bundled code keeps reaching files next to its original module (the status page, the JSON
// schema, the stat worker, package.json): every `import.meta.url` is rewritten to the URL of the
// file it came from, relative to the bundle, and CommonJS `__dirname`/`__filename` likewise.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

/** Native or worker-spawning packages that must stay files of their own. */
// undici is bundled: the client imports it dynamically through src/api/undici-parts.ts, an ES
// module re-exporting it by name (esbuild gives a dynamic import of CommonJS itself only a default export).
const EXTERNAL = ['@parcel/watcher', 'fsevents', 'pino', 'pino-pretty', 'thread-stream'];

const urlOf = (file) => {
  const fromBundle = relative(outdir, file).split(sep).join('/');
  return `new URL(${JSON.stringify(fromBundle)}, __lumensyncBundleUrl).href`;
};

/** The stat worker's module as the pool names it (src/local/stat-pool.ts), and the bundled copy it becomes. */
const STAT_POOL = join(root, 'dist', 'src', 'local', 'stat-pool.js');
const WORKER_REFERENCE = "new URL('./stat-worker.js', import.meta.url)";
const BUNDLED_WORKER_REFERENCE = "new URL('./stat-worker.js', __lumensyncBundleUrl)";
let workerReferenceReplaced = false;

/**
 * string-width (yargs' help layout, three copies) builds an Intl.Segmenter and an RGI_Emoji
 * regular expression when it loads: ~15 ms each of every CLI start, for help text most commands
 * never print. Each is built on its first use instead, where the module uses it for one method
 * only (what the stand-in offers); test/cli/bundle.test.ts checks that loading the CLI builds none.
 */
const EAGER_AT_LOAD = [
  {
    eager: 'const segmenter = new Intl.Segmenter();',
    lazy: 'let segmenterMade; const segmenter = { segment: (text) => (segmenterMade ??= new Intl.Segmenter()).segment(text) };',
    otherUse: /\bsegmenter\.(?!segment\()/,
  },
  {
    eager: 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
    lazy: 'let rgiEmojiRegexMade; const rgiEmojiRegex = { test: (text) => (rgiEmojiRegexMade ??= /^\\p{RGI_Emoji}$/v).test(text) };',
    otherUse: /\brgiEmojiRegex\.(?!test\()/,
  },
];

const keepFileLocations = {
  name: 'keep-file-locations',
  setup(context) {
    context.onLoad({ filter: /\.(c|m)?js$/ }, async (args) => {
      let contents = await readFile(args.path, 'utf8');
      // The bundled CLI starts the bundled stat worker (one file, built below), not the compiled
      // module and its ~10 imports: a worker resolving and compiling those costs ~75 ms of CPU and
      // ~10 MB of memory at every start (BENCHMARKS.md, seventh session).
      if (args.path === STAT_POOL && contents.includes(WORKER_REFERENCE)) {
        contents = contents.replace(WORKER_REFERENCE, BUNDLED_WORKER_REFERENCE);
        workerReferenceReplaced = true;
      }
      for (const { eager, lazy, otherUse } of EAGER_AT_LOAD) {
        if (contents.includes(eager) && !otherUse.test(contents)) contents = contents.replace(eager, lazy);
      }
      if (contents.includes('import.meta.url')) contents = contents.replaceAll('import.meta.url', urlOf(args.path));
      if (/\b__(dirname|filename)\b/.test(contents) && !args.path.endsWith('.mjs')) {
        const fileUrl = urlOf(args.path);
        contents = `var __filename = require('node:url').fileURLToPath(${fileUrl}); var __dirname = require('node:path').dirname(__filename);\n${contents}`;
      }
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

// Bundled CommonJS calls require() for Node's built-ins; ESM has none of its own.
// The bundle's own URL under a name CommonJS code can use too (import.meta would make esbuild read
// a CommonJS file as ESM and drop its exports).
const BANNER = "import { createRequire as __lumensyncRequire } from 'node:module'; const __lumensyncBundleUrl = import.meta.url; const require = __lumensyncRequire(__lumensyncBundleUrl);";

await rm(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { entry: join(root, 'dist', 'src', 'cli', 'entry.js') },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  chunkNames: 'chunk-[hash]',
  external: EXTERNAL,
  plugins: [keepFileLocations],
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: false,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: BANNER },
  metafile: true,
});
if (result.errors.length > 0) process.exit(1);
if (!workerReferenceReplaced) {
  console.error(`bundle: ${STAT_POOL} no longer names its worker as ${WORKER_REFERENCE}; update scripts/bundle.mjs`);
  process.exit(1);
}

// The stat worker: one self-contained file next to the chunks (no splitting: it shares no chunk with the CLI).
const worker = await build({
  entryPoints: { 'stat-worker': join(root, 'dist', 'src', 'local', 'stat-worker.js') },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  plugins: [keepFileLocations],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: BANNER },
});
if (worker.errors.length > 0) process.exit(1);
