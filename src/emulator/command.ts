/** `lumensync emulator`: run the local LumenOne emulator in the foreground until SIGINT/SIGTERM. */

import type { Argv, CommandModule } from 'yargs';
import { toHexSlug } from '../api/slugs.js';
import { LumenSyncError } from '../errors.js';
import { describeFaults, validateFaults, type FaultOptions } from './faults.js';
import { DEFAULT_RATE_LIMIT_KIND, RATE_LIMIT_KINDS } from './rate-limiter.js';
import { loadSeedFile } from './seed.js';
import { startEmulator, type EmulatorHandle } from './server.js';
import { parseUpstreamOff, type UpstreamOptions } from './upstream.js';
import { DESCRIPTIONS } from '../cli/command-list.js';

/** Prefix of the environment variables that give defaults to the options. */
export const ENV_PREFIX = 'LUMENSYNC_EMULATOR_';

/** Fault flags and the FaultOptions key each one sets. */
export const FAULT_FLAGS = {
  'latency-ms': { key: 'latencyMs', describe: "each request's round trip (ms): applied half-way, answered at its end" },
  'latency-jitter-ms': { key: 'latencyJitterMs', describe: 'plus a uniform random 0..N ms' },
  'spike-rate': { key: 'spikeRate', describe: 'fraction of requests that get a latency spike (0..1)' },
  'spike-ms': { key: 'spikeMs', describe: 'length of a spike (ms, default 1000)' },
  'rate-limit': { key: 'rateLimitPerSec', describe: 'answer 429 above this many requests per second (counted as --rate-limit-kind)' },
  'rate-limit-per-key': { key: 'rateLimitPerKeyPerSec', describe: 'answer 429 above this many requests per second per API key (counted as --rate-limit-kind, per key)' },
  'rate-limit-fraction': { key: 'rateLimitFraction', describe: 'fraction of requests answered 429 at random (0..1)' },
  'retry-after': { key: 'retryAfterSeconds', describe: 'Retry-After seconds sent with 429 (default: computed / 1)' },
  'error-rate': { key: 'errorRate', describe: 'fraction of requests answered 500 before doing anything (0..1)' },
  'drop-rate': { key: 'dropRate', describe: 'fraction of connections destroyed before doing anything (0..1)' },
  'drop-after-apply-rate': { key: 'dropAfterApplyRate', describe: 'fraction of mutations applied, then the connection destroyed (0..1)' },
  'error-after-apply-rate': { key: 'errorAfterApplyRate', describe: 'fraction of mutations applied, then answered with an error status (0..1)' },
  'error-after-apply-status': { key: 'errorAfterApplyStatus', describe: 'status of that answer (default 502; 200 = a garbled non-JSON 200)' },
  'stall-upload-count': { key: 'stallUploadCount', describe: 'the next N uploads hang mid-body: nothing more read, no answer' },
  'remove-fail-rate': { key: 'removeFailRate', describe: 'fraction of remove-files entries that fail with a storage error → 207 (0..1)' },
  'orphan-upload-rate': { key: 'orphanUploadRate', describe: 'U3: fraction of uploads into a folder left in custom-documents with a bare 500 (0..1)' },
  'embed-fail-rate': { key: 'embedFailRate', describe: 'U5: fraction of uploads whose addToWorkspaces embedding fails silently, the upload still 200 (0..1)' },
  'all-failed-status': { key: 'allFailedStatus', describe: 'U11: status of a remove-files answer where every entry failed (default 207)' },
  'max-upload-bytes': { key: 'maxUploadBytes', describe: 'uploads larger than this answer 413 (0 = unlimited)' },
  'fault-seed': { key: 'faultSeed', describe: 'PRNG seed: same seed + same request order → same faults' },
  'list-page-default': { key: 'listPageDefault', describe: 'default limit of a folder listing page when none is asked (0 = all, the default)' },
  'list-page-max': { key: 'listPageMax', describe: 'largest listing limit accepted (default 1000); larger answers 400' },
  'unlisted-rate': { key: 'unlistedRate', describe: 'fraction of documents with missing metadata, dropped from listings after slicing: short pages (0..1)' },
} as const satisfies Record<string, { key: keyof FaultOptions; describe: string }>;

type FaultFlag = keyof typeof FAULT_FLAGS;

/** Switches (no value) and the FaultOptions key each one turns on. */
export const FAULT_SWITCHES = {
  'ignore-paging': { key: 'ignorePaging', describe: 'listings ignore offset/limit and answer the whole folder at once' },
  'endless-has-more': { key: 'endlessHasMore', describe: 'every listing page says hasMore: true, even past the end' },
} as const satisfies Record<string, { key: keyof FaultOptions; describe: string }>;

type FaultSwitch = keyof typeof FAULT_SWITCHES;

/** Parsed options of the command. */
export type EmulatorArgs = { port: number; host: string; seed?: string; data?: string; 'upstream-off'?: string; 'processing-ms'?: number; 'rate-limit-kind'?: string }
  & { [flag in FaultFlag]?: number } & { [flag in FaultSwitch]?: boolean };

/** Environment variable of an option: `error-rate` → `LUMENSYNC_EMULATOR_ERROR_RATE`. */
export const envName = (flag: string): string => `${ENV_PREFIX}${flag.toUpperCase().replace(/-/g, '_')}`;

/** A numeric default read from the environment; LUMENSYNC_USAGE when it is not a number. */
export const envNumber = (flag: string, env: NodeJS.ProcessEnv = process.env): number | undefined => {
  const raw = env[envName(flag)];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new LumenSyncError('LUMENSYNC_USAGE', `${envName(flag)} must be a number (got "${raw}")`, { hint: `Unset ${envName(flag)} or give it a number.` });
  }
  return value;
};

/** FaultOptions from parsed flags (validated). */
export const faultsFromArgs = (args: Partial<Record<FaultFlag, number | undefined> & Record<FaultSwitch, boolean | undefined> & { 'rate-limit-kind': string | undefined }>): FaultOptions => {
  const faults: Record<string, number | boolean | string> = {};
  for (const [flag, { key }] of Object.entries(FAULT_FLAGS)) {
    const value = args[flag as FaultFlag];
    if (value !== undefined) faults[key] = value;
  }
  for (const [flag, { key }] of Object.entries(FAULT_SWITCHES)) {
    if (args[flag as FaultSwitch] === true) faults[key] = true;
  }
  if (args['rate-limit-kind'] !== undefined) faults.rateLimitKind = args['rate-limit-kind'];
  return validateFaults(faults as FaultOptions);
};

/** UpstreamOptions from parsed flags (validated). */
export const upstreamFromArgs = (args: Pick<EmulatorArgs, 'upstream-off' | 'processing-ms'>): UpstreamOptions => ({
  ...(args['upstream-off'] === undefined ? {} : { off: parseUpstreamOff(args['upstream-off']) }),
  ...(args['processing-ms'] === undefined ? {} : { processingMs: args['processing-ms'] }),
});

/** The start-up banner: where it listens, what was seeded, active faults, a ready-to-paste export line. */
export const formatBanner = (emulator: Pick<EmulatorHandle, 'url' | 'port' | 'state'> & Partial<Pick<EmulatorHandle, 'upstream'>>, faults: FaultOptions): string => {
  const { state } = emulator;
  const lines = [`LumenOne emulator listening on ${emulator.url} (port ${emulator.port})`, `API base URL: ${emulator.url}/api (every route is under ${emulator.url}/api/v1/…, as in the README's curl examples)`, `LUMENONE_HOST is the server address itself (${emulator.url}): lumensync adds /api/v1`, '', 'Seeded:'];
  let first: { apiKey: string; accountId: string } | undefined;
  for (const company of state.companies()) {
    const apiKeys = state.apiKeysOf(company.companyId);
    lines.push(`  company "${company.name}" — API key${apiKeys.length === 1 ? '' : 's'}: ${apiKeys.join(', ')}`);
    for (const account of state.accounts().filter((a) => a.companyId === company.companyId)) {
      first ??= apiKeys[0] === undefined ? undefined : { apiKey: apiKeys[0], accountId: account.accountId };
      lines.push(`    account ${account.accountId} (${account.name})`);
      for (const org of state.orgsOf(company.companyId, account.accountId)) {
        lines.push(`      org ${org.orgSlug} (hex ${toHexSlug(org.orgSlug)})`);
        for (const ws of state.workspacesOf(org.orgSlug)) lines.push(`        workspace ${ws.workspaceSlug} (hex ${toHexSlug(ws.workspaceSlug)})`);
      }
    }
  }
  const active = describeFaults(faults);
  lines.push('', `Faults: ${active === '' ? 'none' : active}`);
  if (emulator.upstream !== undefined) lines.push(`Upstream behaviours (contract §13): ${emulator.upstream.describe()}`);
  lines.push('');
  if (first !== undefined) {
    lines.push('Try it:', `export LUMENONE_HOST=${emulator.url} LUMENONE_API_KEY=${first.apiKey} LUMENONE_ACCOUNT_ID=${first.accountId}`, '');
  }
  lines.push('Press Ctrl+C to stop.');
  return `${lines.join('\n')}\n`;
};

const waitForStopSignal = (): Promise<NodeJS.Signals> => new Promise((resolve) => {
  const onSignal = (signal: NodeJS.Signals) => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    resolve(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
});

/** Start the emulator from parsed args, print the banner, run until a stop signal. */
export const runEmulatorCommand = async (args: EmulatorArgs): Promise<void> => {
  const faults = faultsFromArgs(args);
  const upstream = upstreamFromArgs(args);
  const emulator = await startEmulator({
    upstream,
    port: args.port,
    host: args.host,
    ...(args.seed === undefined ? {} : { seed: loadSeedFile(args.seed) }),
    ...(args.data === undefined ? {} : { dataDir: args.data }),
    faults,
  }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL' && code !== 'EACCES') throw error;
    throw new LumenSyncError('LUMENSYNC_USAGE', `cannot listen on ${args.host}:${args.port} (${code})`, {
      hint: 'Pick another --port (0 = any free port) or --host.',
      cause: error,
    });
  });
  process.stdout.write(formatBanner(emulator, faults));
  const signal = await waitForStopSignal();
  process.stdout.write(`${signal}: stopping the emulator${args.data === undefined ? '' : ` and saving its state to ${args.data}`}\n`);
  await emulator.close();
};

const envString = (flag: string): string | undefined => {
  const raw = process.env[envName(flag)];
  return raw === undefined || raw.trim() === '' ? undefined : raw;
};

/** The yargs command module (wired into src/cli/main.ts). */
export const emulatorCommand: CommandModule<object, EmulatorArgs> = {
  command: 'emulator',
  describe: DESCRIPTIONS.emulator,
  builder: (yargs: Argv<object>) => {
    let built = yargs
      .option('port', { type: 'number', default: envNumber('port') ?? 8787, describe: 'port to listen on (0 = any free port)' })
      .option('host', { type: 'string', default: envString('host') ?? '127.0.0.1', describe: 'address to listen on' })
      .option('seed', { type: 'string', default: envString('seed'), describe: 'seed file (companies → keys, accounts → orgs → workspaces); default config/emulator-seed.json' })
      .option('data', { type: 'string', default: envString('data'), describe: 'directory to persist the state in (loaded at start, saved after changes)' })
      .option('upstream-off', { type: 'string', default: envString('upstream-off'), describe: `upstream behaviours NOT to model, e.g. U1,U7 or all (default: model U1, U3, U4, U6, U7) [env ${envName('upstream-off')}]` })
      .option('processing-ms', { type: 'number', default: envNumber('processing-ms'), describe: `U1: time an upload is processed from its temporary file (ms, default 5) [env ${envName('processing-ms')}]` });
    for (const [flag, { describe }] of Object.entries(FAULT_FLAGS)) {
      built = built.option(flag, { type: 'number', default: envNumber(flag), describe: `${describe} [env ${envName(flag)}]`, group: 'Faults:' });
    }
    built = built.option('rate-limit-kind', {
      type: 'string', default: envString('rate-limit-kind'), group: 'Faults:',
      describe: `how --rate-limit and --rate-limit-per-key count: ${RATE_LIMIT_KINDS.join(', ')} (default ${DEFAULT_RATE_LIMIT_KIND}) [env ${envName('rate-limit-kind')}]`,
    });
    for (const [flag, { describe }] of Object.entries(FAULT_SWITCHES)) {
      built = built.option(flag, { type: 'boolean', default: envString(flag) === undefined ? undefined : envString(flag) !== '0' && envString(flag) !== 'false', describe: `${describe} [env ${envName(flag)}=1]`, group: 'Faults:' });
    }
    return built
      .example('$0 emulator', 'serve the default seed on http://127.0.0.1:8787')
      .example('$0 emulator --port 0 --data ./.emulator', 'any free port; keep documents across restarts')
      .example('$0 emulator --error-rate 0.1 --latency-ms 50 --fault-seed 42', 'flaky, slow server with reproducible faults')
      .example('$0 emulator --rate-limit 20', 'answer 429 + Retry-After above 20 requests/s')
      .example('$0 emulator --rate-limit-per-key 20 --rate-limit-kind token-bucket', 'each API key gets a bucket of 20 requests, refilled at 20/s')
      .example('$0 emulator --max-upload-bytes 1048576', 'refuse uploads over 1 MiB with 413')
      .example('$0 emulator --list-page-default 100 --unlisted-rate 0.1', 'page folder listings by 100 by default; 10% of documents missing from them (short pages)')
      .example('LUMENSYNC_EMULATOR_DROP_RATE=0.05 $0 emulator', 'drop 5% of connections (every fault flag has an env twin)')
      .example('$0 emulator --upstream-off U1,U7', 'do not model the same-name upload race and the unknown-workspace answer')
      .example('$0 emulator --seed ./my-seed.json', 'your own keys, accounts, orgs and workspaces') as unknown as Argv<EmulatorArgs>;
  },
  handler: (args) => runEmulatorCommand(args),
};
