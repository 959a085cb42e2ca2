/** Host configuration → the API base URL every request path (`/v1/...`) is appended to. */
import { LumenSyncError } from '../errors.js';

/**
 * `http://host:8787`, `http://host:8787/`, `.../api`, `.../api/v1` (and a path prefix for a
 * reverse proxy, e.g. `https://proxy/lumen`) → `http://host:8787/api`. Rejects anything that is
 * not an http(s) URL, and URLs with user:password (credentials belong in the API key only).
 */
export function normaliseApiBaseUrl(host: string): string {
  const trimmed = host.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch (error) {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `The LumenOne host "${trimmed}" is not a URL.`, {
      hint: 'set LUMENONE_HOST to the server address with its scheme, e.g. https://lumenone.example.com',
      cause: error,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `The LumenOne host must use http or https, not "${url.protocol}".`, {
      hint: 'set LUMENONE_HOST to an https:// (or http:// for a local emulator) address',
    });
  }
  if (url.username !== '' || url.password !== '') {
    // Never echo the URL here: the password would end up in the error.
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', 'The LumenOne host must not contain a user name or password.', {
      hint: 'remove "user:password@" from LUMENONE_HOST; authentication uses LUMENONE_API_KEY',
    });
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api(?:\/v1)?$/, '');
  return `${url.origin}${path}/api`;
}
