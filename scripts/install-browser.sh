#!/usr/bin/env bash
# Install Debian's chromium for the status page's browser test when /usr/bin/chromium is missing.
# The test drives it with playwright-core, which never downloads a browser of its own. Never fails:
# without a browser the browser test reports what is missing and how to install it.
# Uses sudo only when not root and sudo works without a password.
set -u
browser="${LUMENSYNC_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  echo "browser: $browser already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser: apt-get not available; cannot install chromium (set LUMENSYNC_CHROMIUM to a Chromium binary)" >&2
  exit 0
fi
run() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else echo "browser: not root and no passwordless sudo; cannot install chromium" >&2; return 1
  fi
}
echo "browser: installing chromium with apt-get"
run env DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null 2>&1 || true
run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
  || echo "browser: apt-get install chromium failed" >&2
if [ -x /usr/bin/chromium ]; then echo "browser: /usr/bin/chromium installed"; else echo "browser: chromium still missing" >&2; fi
exit 0
