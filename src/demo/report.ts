/** The demo's closing check: is every document embedded in every workspace of the mirror? */

/** One line per document, and how many lack at least one of `workspaces`. */
export function embeddingReport(
  documents: readonly { title: unknown; docpath: string; storedName: string }[],
  embeddedIn: Readonly<Record<string, ReadonlySet<string>>>,
): { lines: string[]; incomplete: number } {
  const workspaces = Object.keys(embeddedIn);
  let incomplete = 0;
  const lines = [...documents].sort((a, b) => String(a.title).localeCompare(String(b.title))).map((doc) => {
    const missing = workspaces.filter((workspace) => !embeddedIn[workspace]!.has(doc.docpath));
    if (missing.length > 0) incomplete += 1;
    const verdict = missing.length === 0 ? `embedded in ${workspaces.join(', ')}` : `NOT embedded in ${missing.join(', ')}`;
    return `  ${String(doc.title).padEnd(36)} ${verdict}  ${doc.storedName}`;
  });
  return { lines, incomplete };
}
