#!/usr/bin/env bash
# Install Debian's chromium for the status page's browser test when /usr/bin/chromium is missing.
# The test drives it with playwright-core, which never downloads a browser of its own. Never fails:
# without a browser the browser test reports what is missing and how to install it.
# Uses sudo only when not root and sudo works without a password.
set -u
. "$(dirname "$0")/apt-install.sh"
browser="${LUMENSYNC_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  echo "browser: $browser already installed"
  exit 0
fi
apt_install "browser" chromium || true
if [ -x /usr/bin/chromium ]; then echo "browser: /usr/bin/chromium installed"; else echo "browser: chromium still missing" >&2; fi
exit 0
