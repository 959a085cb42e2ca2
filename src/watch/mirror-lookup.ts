/**
 * Finding a mirror's state dir for `approve` and `why`: by --state-dir, by mirror name (the
 * name its daemon wrote in status.json), or by a path inside its folder. Read-only.
 */
import path from 'node:path';
import { LumenSyncError } from '../errors.js';
import { defaultStateDirs } from './status-report.js';
import { readStatusFile, type StatusFile } from './status-file.js';

/** One state dir and its daemon's last status. */
export interface LocatedMirror { stateDir: string; status: StatusFile | undefined }

const candidates = (stateDirs: readonly string[] | undefined): LocatedMirror[] =>
  (stateDirs && stateDirs.length > 0 ? stateDirs : defaultStateDirs()).map((stateDir) => ({ stateDir: path.resolve(stateDir), status: readStatusFile(stateDir) }));

const known = (mirrors: readonly LocatedMirror[]): string =>
  mirrors.length === 0 ? 'no state dir with a status.json was found (pass --state-dir <dir>)' : `known: ${mirrors.map((mirror) => `${mirror.status?.name ?? '?'} (${mirror.stateDir})`).join(', ')}`;

/** The mirror called `name` (or the only one given by --state-dir when no name is given). */
export function locateByName(name: string | undefined, stateDirs: readonly string[] | undefined): LocatedMirror {
  const all = candidates(stateDirs);
  if (name === undefined) {
    if (all.length === 1) return all[0]!;
    throw new LumenSyncError('LUMENSYNC_USAGE', 'name the mirror', { hint: known(all) });
  }
  const named = all.filter((mirror) => mirror.status?.name === name || mirror.stateDir === path.resolve(name));
  if (named.length === 1) return named[0]!;
  if (named.length === 0 && stateDirs && stateDirs.length === 1) return all[0]!;
  throw new LumenSyncError('LUMENSYNC_USAGE', named.length === 0 ? `no mirror named ${JSON.stringify(name)}` : `${named.length} state dirs hold a mirror named ${JSON.stringify(name)}`, {
    hint: named.length === 0 ? known(all) : `pick one with --state-dir: ${named.map((mirror) => mirror.stateDir).join(', ')}`,
  });
}

/** The mirror whose folder holds `absolutePath` (the deepest one when folders nest). */
export function locateByPath(absolutePath: string, stateDirs: readonly string[] | undefined): LocatedMirror & { status: StatusFile } {
  const all = candidates(stateDirs);
  const holding = all.filter((mirror): mirror is LocatedMirror & { status: StatusFile } => {
    if (!mirror.status) return false;
    const relative = path.relative(mirror.status.root, absolutePath);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  }).sort((a, b) => b.status.root.length - a.status.root.length);
  if (holding.length > 0) return holding[0]!;
  throw new LumenSyncError('LUMENSYNC_USAGE', `${absolutePath} is not inside a folder that a lumensync watch daemon mirrors (or has mirrored)`, {
    hint: `${known(all)}; a mirror only synced with \`lumensync sync\` has no status.json: run \`lumensync watch\` on it once, or pass its --state-dir`,
  });
}
