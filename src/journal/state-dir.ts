/**
 * Where a mirror keeps its state: the default location, the mirror's stable id, and the
 * guard that keeps the state dir out of the mirrored folder (invariant 8).
 */
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LumenSyncError } from '../errors.js';

/** Characters kept in the readable part of a mirror id; everything else becomes `-`. */
const UNSAFE_ID_CHARS = /[^a-z0-9]+/g;
/** Longest readable prefix, so ids stay short enough for file names and `status` columns. */
const MAX_PREFIX_LENGTH = 40;
/** Hex digits of the hash kept in an id: 48 bits, collisions need ~16M mirrors on one host. */
const HASH_LENGTH = 12;
/** Shape a mirror id must have before it is joined to a path (no separators, no `..`). */
const MIRROR_ID_SHAPE = /^[a-z0-9][a-z0-9-]*$/;

/** Default state dir for a mirror: $XDG_STATE_HOME/lumensync/<mirrorId> or ~/.local/state/lumensync/<mirrorId>. */
export function defaultStateDir(mirrorId: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!MIRROR_ID_SHAPE.test(mirrorId)) {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `mirror id ${JSON.stringify(mirrorId)} is not a safe directory name`, {
      hint: 'use the id produced by mirrorIdFor(), or pass an explicit --state-dir',
    });
  }
  // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const xdgStateHome = env.XDG_STATE_HOME;
  if (xdgStateHome !== undefined && path.isAbsolute(xdgStateHome)) return path.join(xdgStateHome, 'lumensync', mirrorId);
  const home = env.HOME !== undefined && path.isAbsolute(env.HOME) ? env.HOME : os.homedir();
  return path.join(home, '.local', 'state', 'lumensync', mirrorId);
}

/** What identifies a mirror: the same values always give the same id. */
export interface MirrorIdParts {
  /** LumenOne API base URL; trailing slashes and host case are ignored. */
  apiBaseUrl: string;
  accountId: string;
  /** Original (not hex) organization slug. */
  orgSlug: string;
  /** Remote folder name. */
  folder: string;
  /** Mirror root; pass the realpath when available so a symlinked root keeps its id. */
  root: string;
}

/** Stable id for a mirror: readable prefix + short sha256 of (apiBaseUrl, accountId, orgSlug, folder, real root path). */
export function mirrorIdFor(parts: MirrorIdParts): string {
  // Pure on purpose: resolving symlinks here would change the id while a drive is unmounted,
  // hiding the journal exactly when the empty-root guard needs it.
  const identity = JSON.stringify([
    normaliseBaseUrl(parts.apiBaseUrl),
    parts.accountId,
    parts.orgSlug,
    parts.folder,
    stripTrailingSeparator(path.resolve(parts.root)),
  ]);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, HASH_LENGTH);
  return `${readablePrefix(parts.orgSlug, parts.folder)}-${hash}`;
}

/** Refuse a state dir that is the root or inside it (invariant 8): LumenSyncError LUMENSYNC_CONFIG_INVALID with hint. */
export async function assertStateDirOutsideRoot(stateDir: string, root: string): Promise<void> {
  const realState = await realpathOfDeepestExisting(path.resolve(stateDir));
  const realRoot = await realpathOfDeepestExisting(path.resolve(root));
  if (isSameOrInside(realState, realRoot)) {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `state directory ${stateDir} is inside the mirrored folder ${root}`, {
      hint: 'lumensync never writes into the folder it mirrors: pass a --state-dir outside it (or omit it to use the default under ~/.local/state)',
    });
  }
}

/** True when `candidate` equals `parent` or lies below it (both absolute, normalised). */
function isSameOrInside(candidate: string, parent: string): boolean {
  if (candidate === parent) return true;
  const parentWithSep = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return candidate.startsWith(parentWithSep);
}

/** Realpath of `absolutePath`, resolving the deepest ancestor that exists (the state dir may not exist yet). */
async function realpathOfDeepestExisting(absolutePath: string): Promise<string> {
  const missingTail: string[] = [];
  let current = absolutePath;
  for (;;) {
    try {
      const resolved = await realpath(current);
      return stripTrailingSeparator(path.join(resolved, ...missingTail.reverse()));
    } catch (error) {
      const parent = path.dirname(current);
      if (parent === current || !isMissing(error)) return stripTrailingSeparator(absolutePath);
      missingTail.push(path.basename(current));
      current = parent;
    }
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function stripTrailingSeparator(absolutePath: string): string {
  return absolutePath.length > 1 && absolutePath.endsWith(path.sep) ? absolutePath.slice(0, -1) : absolutePath;
}

/** `HTTPS://Api.Example.com/v1/` and `https://api.example.com/v1` name the same API. */
function normaliseBaseUrl(apiBaseUrl: string): string {
  try {
    return new URL(apiBaseUrl).href.replace(/\/+$/, '');
  } catch {
    return apiBaseUrl.trim().replace(/\/+$/, '');
  }
}

function readablePrefix(orgSlug: string, folder: string): string {
  const readable = `${orgSlug}-${folder}`
    .toLowerCase()
    .replace(UNSAFE_ID_CHARS, '-')
    .slice(0, MAX_PREFIX_LENGTH)
    .replace(/^-+|-+$/g, '');
  return readable === '' ? 'mirror' : readable;
}
