/** Text renderings of plans and summaries (pure: return strings, output.ts prints them). */
import type { Plan } from '../core/plan-types.js';
import type { StatsSnapshot } from '../stats/stats.js';
import { formatBytes, formatDuration } from './output.js';

/** `--dry-run`: every action with counts and bytes, then the guards. */
export function renderPlan(plan: Plan, options: { limit?: number } = {}): string {
  const limit = options.limit ?? 200;
  const lines: string[] = [];
  const s = plan.summary;
  lines.push(`plan: ${s.uploads} upload(s), ${s.replacements} replacement(s), ${formatBytes(s.uploadBytes)} to send, ${s.renames} rename(s), ${s.adoptions} adoption(s), ${s.removes} delete(s), ${s.embeds} embed(s), ${s.unembeds} unembed(s), ${s.unchanged + s.records} unchanged`);
  let shown = 0;
  for (const action of plan.actions) {
    if (shown >= limit) break;
    let line: string | undefined;
    switch (action.kind) {
      case 'upload': line = action.replacesDocpath ? `  replace  ${action.relativePath} (${formatBytes(action.size)})` : `  upload   ${action.relativePath} (${formatBytes(action.size)})`; break;
      case 'rename': line = `  rename   ${action.fromRelativePath} -> ${action.relativePath} (no upload)`; break;
      case 'adopt': line = `  adopt    ${action.relativePath} (already on the server: ${action.docpath})`; break;
      case 'remove': line = `  delete   ${action.relativePath ?? action.docpath} (${action.reason})`; break;
      case 'embed': line = `  embed    ${action.docpaths.length} document(s) into ${action.workspaceSlug}`; break;
      case 'unembed': line = `  unembed  ${action.docpaths.length} document(s) from ${action.workspaceSlug}`; break;
      case 'create-folder': line = `  mkdir    ${action.folder}`; break;
      default: break;
    }
    if (line !== undefined) {
      lines.push(line);
      shown += 1;
    }
  }
  const hidden = plan.actions.filter((action) => action.kind !== 'record' && action.kind !== 'forget').length - shown;
  if (hidden > 0) lines.push(`  … and ${hidden} more (use --json for all)`);
  for (const file of plan.skipped.slice(0, limit)) lines.push(`  skip     ${file.relativePath} (${file.reason === 'empty' ? 'empty file' : 'rejected by the server before; unchanged since'})`);
  for (const guard of plan.guards) lines.push(`guard: ${guard.message}\n  fix: ${guard.hint}`);
  if (plan.blockedRemoves.length > 0) lines.push(`  ${plan.blockedRemoves.length} delete(s) held back by the guard`);
  for (const action of plan.blockedUnembeds) lines.push(`  held     unembed ${action.docpaths.length} document(s) from ${action.workspaceSlug} (workspace guard)`);
  return lines.join('\n');
}

/** The final summary of a sync run. */
export function renderSummary(snapshot: StatsSnapshot, extra: { passes: number; dryRun: boolean }): string {
  const lines = [
    `${extra.dryRun ? 'dry run' : 'sync'} finished in ${formatDuration(snapshot.durationMs)} (${extra.passes} pass${extra.passes === 1 ? '' : 'es'})`,
    `  uploaded ${snapshot.uploaded}, replaced ${snapshot.replaced}, renamed ${snapshot.renamed}, adopted ${snapshot.adopted}, deleted ${snapshot.deleted}, unchanged ${snapshot.unchanged}, failed ${snapshot.failed}`,
    `  embedded ${snapshot.embedded}, unembedded ${snapshot.unembedded}, retries ${snapshot.retries}, sent ${formatBytes(snapshot.bytesUploaded)}`,
  ];
  const shown = snapshot.failures.slice(0, 50);
  for (const failure of shown) {
    lines.push(`  failed ${failure.operation} ${failure.relativePath ?? failure.docpath ?? ''}: ${failure.message}${failure.retryable ? ' (will be retried next run)' : ''}`);
    if (failure.hint) lines.push(`    fix: ${failure.hint}`);
  }
  if (snapshot.failures.length > shown.length) lines.push(`  … and ${snapshot.failures.length - shown.length} more failures (see --json)`);
  if (snapshot.rejected > 0) lines.push(`  rejected by the server: ${snapshot.rejected} (not sent again until the file changes; lumensync status lists them)`);
  for (const rejection of snapshot.rejections.slice(0, 50)) {
    lines.push(`    ${rejection.relativePath}: ${rejection.reason}`);
    if (rejection.hint) lines.push(`      fix: ${rejection.hint}`);
  }
  if (snapshot.skippedEmpty > 0) lines.push(`  empty files not uploaded: ${snapshot.skippedEmpty} (LumenOne keeps no document without text; they sync once they have content)`);
  return lines.join('\n');
}
