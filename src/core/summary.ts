/** Counts and bytes of a plan, for --dry-run output and the progress total. */
import type { Action, PlanSummary, SkippedFile } from './plan-types.js';

/** Summarise `actions`; `blockedRemoves` and `unchanged` come from the planner. */
export function summarise(actions: readonly Action[], blockedRemoves: number, unchanged: number, blockedUnembeds = 0, skipped: readonly SkippedFile[] = []): PlanSummary {
  const summary: PlanSummary = {
    uploads: 0, replacements: 0, uploadBytes: 0, adoptions: 0, renames: 0, records: 0,
    removes: 0, forgets: 0, embeds: 0, unembeds: 0, unchanged, blockedRemoves, blockedUnembeds,
    skippedEmpty: skipped.filter((file) => file.reason === 'empty').length,
    skippedRejected: skipped.filter((file) => file.reason === 'rejected').length,
  };
  for (const action of actions) {
    switch (action.kind) {
      case 'upload':
        if (action.replacesDocpath !== undefined) summary.replacements += 1;
        else summary.uploads += 1;
        summary.uploadBytes += action.size;
        break;
      case 'adopt': summary.adoptions += 1; break;
      case 'rename': summary.renames += 1; break;
      case 'record': summary.records += 1; break;
      case 'remove': summary.removes += 1; break;
      case 'forget': summary.forgets += 1; break;
      case 'embed': summary.embeds += action.docpaths.length; break;
      case 'unembed': summary.unembeds += action.docpaths.length; break;
      case 'create-folder': break;
    }
  }
  return summary;
}
