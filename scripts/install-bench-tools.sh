#!/usr/bin/env bash
# Install the comparison tools the benchmarks need (rsync, rclone) from Debian packages when
# they are missing. Never fails the bench: a tool that cannot be installed makes its row print
# "skipped: <tool> not installed". Uses sudo only when not root and sudo works without a password.
set -u
missing=()
for tool in rsync rclone; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "bench tools: rsync and rclone already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "bench tools: apt-get not available; cannot install ${missing[*]} (their rows will be skipped)" >&2
  exit 0
fi
run() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else echo "bench tools: not root and no passwordless sudo; cannot install ${missing[*]}" >&2; return 1
  fi
}
echo "bench tools: installing ${missing[*]} with apt-get"
if ! run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  run env DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null 2>&1 || true
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || echo "bench tools: apt-get install ${missing[*]} failed (their rows will be skipped)" >&2
fi
for tool in "${missing[@]}"; do
  command -v "$tool" >/dev/null 2>&1 && echo "bench tools: $tool installed" || echo "bench tools: $tool still missing" >&2
done
exit 0
