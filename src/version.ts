/** The package version, read once from package.json at build time layout (dist/src → ../../package.json). */
import { readFileSync } from 'node:fs';

const readVersion = (): string => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
};

/** lumensync's version (from package.json). */
export const VERSION = readVersion();
