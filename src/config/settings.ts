/**
 * Settings for a run, resolved from flags > environment > config file > defaults.
 * (The config file arrives with issue 5; today: flags and environment.)
 */
import type { LevelWithSilent } from 'pino';
import { resolveConnection, type Connection } from '../cli/connection.js';
import { mirrorSpecFrom, type MirrorArgs } from '../cli/mirror-options.js';
import { MIRROR_DEFAULTS, type MirrorSpec } from '../sync/mirror.js';

/** Request pacing for one host. */
export interface PacingSettings {
  concurrency: number;
  ratePerSecond: number;
  retries: number;
  maxBackoffMs: number;
}

/** One mirror, fully resolved. */
export interface MirrorSettings {
  /** A short name for logs and `status` (config file key, or the folder name). */
  name: string;
  spec: MirrorSpec;
  /** Explicit state dir; undefined → the default under XDG_STATE_HOME. */
  stateDir: string | undefined;
}

export interface Settings {
  connection: Connection;
  mirrors: MirrorSettings[];
  pacing: PacingSettings;
  log: { level: LevelWithSilent; file: string | undefined };
}

/** Resolve everything a sync/watch run needs; throws LumenSyncError (exit 2) listing every problem. */
export async function resolveSettings(args: MirrorArgs, env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const spec = mirrorSpecFrom(args);
  const connection = await resolveConnection({ host: args.host, account: args.account, apiKeyFile: args['api-key-file'] }, env);
  return {
    connection,
    mirrors: [{ name: spec.folder, spec, stateDir: args['state-dir'] }],
    pacing: {
      concurrency: args.concurrency ?? MIRROR_DEFAULTS.concurrency,
      ratePerSecond: args.rate ?? MIRROR_DEFAULTS.ratePerSecond,
      retries: args.retries ?? MIRROR_DEFAULTS.retries,
      maxBackoffMs: (args['max-backoff'] ?? MIRROR_DEFAULTS.maxBackoffMs / 1000) * 1000,
    },
    log: { level: (args['log-level'] ?? 'warn') as LevelWithSilent, file: args['log-file'] },
  };
}
