// A node:test reporter for people: a dot per test while the suite runs, then counts, the slowest
// files, and each failure with its file and line; the runner's own closing lines (`# pass N`,
// `# fail N`, …) come last, as CI reads them. scripts/run-tests.mjs pairs it with the full TAP
// written to a file.
import path from 'node:path';

const SLOWEST = 5;
const rel = (file) => (file ? path.relative(process.cwd(), file) : '(unknown file)');
/** The gist of an error: its first two non-empty lines ("Expected values to be strictly equal: 1 !== 2"). */
const gist = (text) => String(text ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '').slice(0, 2).join(' ');

export default async function* summary(source) {
  const perFile = new Map();
  const failures = [];
  const closing = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let column = 0;
  for await (const event of source) {
    const { type, data } = event;
    if (type === 'test:pass' || type === 'test:fail') {
      const leaf = data.details?.type !== 'suite';
      if (data.nesting === 0 && data.file) perFile.set(data.file, (perFile.get(data.file) ?? 0) + (data.details?.duration_ms ?? 0));
      if (!leaf) continue;
      let mark = '.';
      if (type === 'test:fail') {
        const error = data.details?.error;
        if (error?.failureType === 'subtestsFailed') continue;
        failed += 1;
        mark = 'F';
        failures.push({ where: `${rel(data.file)}:${data.line ?? '?'}`, name: data.name, message: gist(error?.cause?.message ?? error?.message) });
      } else if (data.skip !== undefined || data.todo !== undefined) {
        skipped += 1;
        mark = 's';
      } else passed += 1;
      column += 1;
      yield column % 80 === 0 ? `${mark}\n` : mark;
    } else if (type === 'test:diagnostic' && data.nesting === 0 && /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(data.message)) {
      closing.push(`# ${data.message}`);
    }
  }
  const lines = ['', ''];
  const slowest = [...perFile].sort((a, b) => b[1] - a[1]).slice(0, SLOWEST);
  if (slowest.length > 0) {
    lines.push('slowest files:');
    for (const [file, ms] of slowest) lines.push(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${rel(file)}`);
  }
  if (failures.length > 0) {
    lines.push('', `failures (${failures.length}):`);
    for (const failure of failures) lines.push(`  ${failure.where}  ${failure.name}`, `      ${failure.message}`);
  }
  if (process.env.LUMENSYNC_TEST_TAP_FILE) lines.push('', `full TAP output: ${process.env.LUMENSYNC_TEST_TAP_FILE}`);
  lines.push('', `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`, ...closing, '');
  yield lines.join('\n');
}
