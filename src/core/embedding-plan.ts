/** Embedding drift and workspace changes, as update-embeddings actions (pure). */
import type { EmbedAction, UnembedAction } from './plan-types.js';

export interface EmbeddingPlanInput {
  /** Documents that stay in the mirror this pass (uploads embed themselves via addToWorkspaces); any order. */
  keptDocpaths: string[];
  /** What each workspace holds now; undefined when the remote was not read (no drift repair). */
  embeddings: Record<string, string[]> | undefined;
  workspaces: string[];
  previousWorkspaces: string[];
  batchSize: number;
}

const chunk = <T>(items: T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += Math.max(1, size)) chunks.push(items.slice(index, index + Math.max(1, size)));
  return chunks;
};

/** Embeds for kept documents missing from a wanted workspace; unembeds from workspaces dropped from the mirror. */
export function planEmbeddings(input: EmbeddingPlanInput): (EmbedAction | UnembedAction)[] {
  if (input.embeddings === undefined) return [];
  const actions: (EmbedAction | UnembedAction)[] = [];
  for (const workspaceSlug of input.workspaces) {
    const embedded = input.embeddings[workspaceSlug];
    if (embedded === undefined) continue;
    const present = new Set(embedded);
    // Sorted once filtered: the batches are the same whatever the order kept, and a pass with no drift sorts nothing.
    const missing = input.keptDocpaths.filter((docpath) => !present.has(docpath)).sort();
    for (const docpaths of chunk(missing, input.batchSize)) actions.push({ kind: 'embed', workspaceSlug, docpaths });
  }
  const wanted = new Set(input.workspaces);
  for (const workspaceSlug of input.previousWorkspaces) {
    if (wanted.has(workspaceSlug)) continue;
    const embedded = input.embeddings[workspaceSlug];
    if (embedded === undefined) continue;
    const present = new Set(embedded);
    const stale = input.keptDocpaths.filter((docpath) => present.has(docpath)).sort();
    for (const docpaths of chunk(stale, input.batchSize)) actions.push({ kind: 'unembed', workspaceSlug, docpaths });
  }
  return actions;
}
