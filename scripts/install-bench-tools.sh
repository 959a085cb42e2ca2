#!/usr/bin/env bash
# Install the comparison tools the benchmarks need (rsync, rclone) from Debian packages when
# they are missing. Never fails the bench: a tool that cannot be installed makes its row print
# "skipped: <tool> not installed". Uses sudo only when not root and sudo works without a password.
set -u
. "$(dirname "$0")/apt-install.sh"
missing=()
for tool in rsync rclone; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "bench tools: rsync and rclone already installed"
  exit 0
fi
apt_install "bench tools" "${missing[@]}" || echo "bench tools: their rows will be skipped" >&2
for tool in "${missing[@]}"; do
  command -v "$tool" >/dev/null 2>&1 && echo "bench tools: $tool installed" || echo "bench tools: $tool still missing" >&2
done
exit 0
