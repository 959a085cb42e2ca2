/** What one mirror is: a local root → one remote folder of an org → N workspaces. */
import type { MaxDelete } from '../core/guards.js';

export interface MirrorSpec {
  /** Absolute path of the local folder. */
  root: string;
  /** Original org slug. */
  orgSlug: string;
  /** Remote folder (one level; `custom-documents` means the shared catch-all folder). */
  folder: string;
  /** Original workspace slugs. */
  workspaces: string[];
  /** Workspaces taken out of the mirror on purpose: un-embedding from them passes the workspace guard. */
  removeWorkspaces?: string[];
  /** Extra gitignore-syntax patterns. */
  ignore: string[];
  /** Follow symlinks that stay inside the root (default false). */
  followSymlinks: boolean;
  /** Keep documents in the folder that lumensync did not upload (default false). */
  keepUnknown: boolean;
  /** Delete guard (default 50%). */
  maxDelete: MaxDelete;
  /** Lift the empty-root guard for one run. */
  allowEmptyRoot: boolean;
  /** Docpaths per remove-files request (default 50). */
  deleteBatchSize: number;
  /** Docpaths per update-embeddings request (default 100). */
  embedBatchSize: number;
  /** Owner mark stamped on uploads (the hash of the mirror id); documents marked by another mirror are never deleted. */
  ownerMark?: string;
  /** Trust the journal for this long after a verification (remote listing); default 1 h. */
  verifyIntervalMs?: number;
  /** Worker threads that lstat beside a big scan's walk (default: one per spare core, at most 2; 0 = none). */
  scanThreads?: number;
  /** Hash of the API base URL and account (set when the session opens): a different one forces a listing. */
  remoteId?: string;
}

/** The catch-all folder: lumensync never deletes documents there that it did not upload. */
export const SHARED_FOLDER = 'custom-documents';

/** Defaults for every tunable number of a mirror (documented in the README). */
export const MIRROR_DEFAULTS = {
  maxDelete: { kind: 'percent', value: 50 } as MaxDelete,
  deleteBatchSize: 50,
  embedBatchSize: 100,
  concurrency: 4,
  /** `--rate auto`: find the server's limit (a number pins the rate; 0 = unlimited). */
  ratePerSecond: 'auto' as number | 'auto',
  retries: 5,
  maxBackoffMs: 60_000,
  maxPasses: 3,
  /** Time to an answer (and between its bytes) of an ordinary request, seconds. */
  requestTimeoutS: 60,
  /** Time allowed for the answer once an upload is sent (the server embeds synchronously), seconds. */
  uploadTimeoutS: 600,
  /** An upload that sends no byte for this long is abandoned and retried, seconds. */
  uploadIdleTimeoutS: 60,
  verifyIntervalMs: 3_600_000,
};
