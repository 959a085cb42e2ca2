/** Embedding drift and workspace changes, as update-embeddings actions (pure but for `kept`, which it empties). */
import type { EmbedAction, UnembedAction } from './plan-types.js';

export interface EmbeddingPlanInput {
  /**
   * Documents that stay in the mirror this pass (uploads embed themselves via addToWorkspaces).
   * Consumed: planEmbeddings empties it, so that a 1,000,000-document verification builds no
   * second set of them (the planner hands over its claims, which it no longer needs).
   */
  kept: Set<string>;
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
  const { kept, embeddings } = input;
  if (embeddings === undefined) {
    kept.clear();
    return [];
  }
  // Un-embeds first, while `kept` is whole: the kept documents a dropped workspace still holds.
  const unembeds: UnembedAction[] = [];
  const wanted = new Set(input.workspaces);
  for (const workspaceSlug of new Set(input.previousWorkspaces)) {
    if (wanted.has(workspaceSlug)) continue;
    const embedded = embeddings[workspaceSlug];
    if (embedded === undefined) continue;
    const stale = [...new Set(embedded.filter((docpath) => kept.has(docpath)))].sort();
    for (const docpaths of chunk(stale, input.batchSize)) unembeds.push({ kind: 'unembed', workspaceSlug, docpaths });
  }
  // Then what each wanted workspace lacks: the kept documents less those it holds. The last
  // workspace takes `kept` itself, the others a copy. Sorted once found: the batches are the same
  // whatever the order kept, and a pass with no drift sorts nothing.
  const actions: (EmbedAction | UnembedAction)[] = [];
  const readable = [...wanted].filter((workspaceSlug) => embeddings[workspaceSlug] !== undefined);
  readable.forEach((workspaceSlug, index) => {
    const missing = index === readable.length - 1 ? kept : new Set(kept);
    for (const docpath of embeddings[workspaceSlug] as string[]) missing.delete(docpath);
    for (const docpaths of chunk([...missing].sort(), input.batchSize)) actions.push({ kind: 'embed', workspaceSlug, docpaths });
  });
  kept.clear();
  actions.push(...unembeds);
  return actions;
}
