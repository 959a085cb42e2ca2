/**
 * Where the server is and who we are. Precedence per value: flag > environment > config file.
 * The key: --api-key-file > LUMENONE_API_KEY > LUMENONE_API_KEY_FILE > file `apiKey` > file `apiKeyFile`.
 */
import { readFile, stat } from 'node:fs/promises';
import { LumenSyncError } from '../errors.js';
import type { ClientOptions } from '../api/client-support.js';

/** The connection flags as parsed (undefined = not given). */
export interface ConnectionInput {
  host?: string | undefined;
  account?: string | undefined;
  apiKeyFile?: string | undefined;
  caFile?: string | undefined;
  /** The command run, for the help the error points to (default sync). */
  command?: string | undefined;
}

/** The `connection` section of a config file (paths absolute). */
export interface FileConnection {
  host?: string | undefined;
  account?: string | undefined;
  apiKeyFile?: string | undefined;
  apiKey?: string | undefined;
  caFile?: string | undefined;
}

/** A complete connection; `apiKey` must never be printed or logged. */
export interface Connection {
  host: string;
  accountId: string;
  apiKey: string;
  /** Extra CA bundle (PEM) trusted besides the system roots; TLS is always verified. */
  caFile?: string | undefined;
}

/** Options for a LumenOneClient on this connection. */
export const clientOptionsFor = (connection: Connection, accountId = connection.accountId): ClientOptions => ({
  host: connection.host, apiKey: connection.apiKey, accountId,
  ...(connection.caFile ? { caFile: connection.caFile } : {}),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Read an API key file; refuses a file others can read (the key is a company-wide secret). */
export async function readKeyFile(file: string): Promise<string> {
  let text: string;
  try {
    const info = await stat(file);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `API key file ${file} is readable by other users`, { hint: `run: chmod 600 ${file}` });
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof LumenSyncError) throw error;
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `cannot read the API key file ${file}: ${(error as Error).message}`, { hint: 'check the path given to --api-key-file', cause: error });
  }
  const key = text.trim();
  if (key === '') throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `API key file ${file} is empty`, { hint: 'put the key issued by your LumenOne superadmin in the file' });
  return key;
}

/** Resolve the connection, reporting every missing piece at once. */
export async function resolveConnection(input: ConnectionInput, env: NodeJS.ProcessEnv = process.env, file: FileConnection = {}): Promise<Connection> {
  const problems: string[] = [];
  const host = input.host ?? (env.LUMENONE_HOST?.trim() || undefined) ?? file.host;
  const accountId = input.account ?? (env.LUMENONE_ACCOUNT_ID?.trim() || undefined) ?? file.account;
  if (!host) problems.push('no server: set LUMENONE_HOST, pass --host, or set connection.host in the config file (e.g. http://127.0.0.1:8787 for `lumensync emulator`)');
  else {
    try {
      const url = new URL(host);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`host ${host} must start with http:// or https://`);
    } catch {
      problems.push(`host ${JSON.stringify(host)} is not a URL (expected e.g. https://lumenone.example.com)`);
    }
  }
  if (!accountId) problems.push('no account: set LUMENONE_ACCOUNT_ID, pass --account, or set connection.account in the config file (the account UUID)');
  else if (!UUID.test(accountId)) problems.push(`account ${JSON.stringify(accountId)} is not a UUID (expected e.g. 11111111-2222-3333-4444-555555555555)`);
  const apiKey = await resolveApiKey(input, env, file);
  if (!apiKey) problems.push('no API key: set LUMENONE_API_KEY, or pass --api-key-file <file> (mode 0600), or set connection.apiKeyFile in the config file');
  if (problems.length > 0 || !host || !accountId || !apiKey) {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `incomplete connection settings:\n  - ${problems.join('\n  - ')}`, { hint: `see \`lumensync ${input.command ?? 'sync'} --help\` and the README section "Configuration"` });
  }
  const caFile = input.caFile ?? (env.LUMENONE_CA_FILE?.trim() || undefined) ?? file.caFile;
  return { host, accountId, apiKey, ...(caFile ? { caFile } : {}) };
}

/** The key by precedence; a key file is read only when it is the one chosen. */
async function resolveApiKey(input: ConnectionInput, env: NodeJS.ProcessEnv, file: FileConnection): Promise<string | undefined> {
  if (input.apiKeyFile) return readKeyFile(input.apiKeyFile);
  const fromEnv = env.LUMENONE_API_KEY?.trim();
  if (fromEnv) return fromEnv;
  const envFile = env.LUMENONE_API_KEY_FILE?.trim();
  if (envFile) return readKeyFile(envFile);
  if (file.apiKey?.trim()) return file.apiKey.trim();
  if (file.apiKeyFile) return readKeyFile(file.apiKeyFile);
  return undefined;
}

/** Warn-worthy: plain http to a host that is not loopback sends the key in clear. */
export const isCleartextRemote = (host: string): boolean => {
  const url = new URL(host);
  return url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]', '::1'].includes(url.hostname) && !url.hostname.startsWith('127.');
};
