/** The remote side of a pass: the mirror's folder and the workspaces' embeddings, listed for the planner. */
import { RemoteError } from '../errors.js';
import { indexByDocpath, type RemoteView } from '../core/planner.js';
import type { SyncSession } from './session-types.js';

/** List the mirror's folder and what each relevant workspace holds from it. */
export async function listRemote(session: SyncSession): Promise<RemoteView> {
  const { remote, pacer, spec, journal } = session;
  // The folder and the workspaces are listed at once: for 100,000 documents each answer is
  // tens of MB the server needs ~0.3–1.3 s to produce (benchmark row 1), so waiting in turn added up.
  // Each page is one paced, retried request (a 100,000-document folder is 100 of them).
  const folderListed = remote.listFolderCompact(spec.orgSlug, spec.folder, (request) => pacer.run('list-folder', request));
  const prefix = `${spec.orgSlug}/${spec.folder}/`;
  const embedded: Record<string, string[]> = {};
  const workspaces = [...new Set([...spec.workspaces, ...journal.meta().workspaces])];
  const workspacesListed = Promise.all(workspaces.map(async (workspaceSlug) => {
    try {
      const detail = await pacer.run('get-workspace', () => remote.getWorkspaceDocpaths(workspaceSlug, spec.orgSlug, prefix));
      embedded[workspaceSlug] = detail.docpaths.filter((docpath) => docpath.startsWith(prefix));
    } catch (error) {
      // A workspace dropped from the mirror and since deleted holds nothing to un-embed.
      if (error instanceof RemoteError && error.kind === 'not-found' && !spec.workspaces.includes(workspaceSlug)) return;
      throw error;
    }
  }));
  const [folderListing] = await Promise.all([folderListed, workspacesListed]);
  if (folderListing.rejected !== undefined) {
    session.log.warn({ count: folderListing.rejected.length, items: folderListing.rejected.slice(0, 10) }, 'the server listed documents whose names are not plain stored names; they are skipped and never sent back');
  }
  // The workspaces name the folder's documents again: each docpath is kept as the folder listing's
  // string, not a second copy per workspace (1,000,000 documents: ~90 MB), and the index built for
  // it is the planner's.
  const documentsByDocpath = folderListing.byDocpath ?? indexByDocpath(folderListing.documents);
  const embeddings: Record<string, string[]> = {};
  for (const [workspaceSlug, docpaths] of Object.entries(embedded)) {
    embeddings[workspaceSlug] = docpaths.map((docpath) => documentsByDocpath.get(docpath)?.docpath ?? docpath);
  }
  return {
    folderExists: folderListing.exists,
    documents: folderListing.documents,
    embeddings,
    documentsByDocpath,
  };
}
