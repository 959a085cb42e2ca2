/** Writing a config file (for `init`): mode 0600 from the first byte, never with the key unless asked. */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_URL } from './validate.js';

/** What `init` learned, in config-file terms (paths may be absolute or relative to the file). */
export interface NewConfig {
  host: string;
  account: string;
  apiKeyFile?: string | undefined;
  mirrorName: string;
  root: string;
  org: string;
  folder: string;
  workspaces: string[];
  stateDir?: string | undefined;
}

/** The JSON object of a new config file, with paths relative to the file's folder. */
export function configObject(config: NewConfig, file: string): Record<string, unknown> {
  const base = path.dirname(path.resolve(file));
  const relative = (target: string): string => {
    const rel = path.relative(base, path.resolve(target));
    return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(target) : `./${rel}`;
  };
  return {
    $schema: relative(fileURLToPath(SCHEMA_URL)),
    connection: { host: config.host, account: config.account, ...(config.apiKeyFile === undefined ? {} : { apiKeyFile: relative(config.apiKeyFile) }) },
    mirrors: {
      [config.mirrorName]: {
        root: relative(config.root),
        org: config.org,
        folder: config.folder,
        workspaces: config.workspaces,
        ...(config.stateDir === undefined ? {} : { stateDir: relative(config.stateDir) }),
      },
    },
  };
}

/** Write `content` to `file` with mode 0600 (created private, then chmod in case it existed). */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, content, { mode: 0o600 });
  await chmod(file, 0o600);
}
