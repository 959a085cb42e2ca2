# Sourced by the install-*.sh scripts: apt_install LABEL PACKAGE... installs Debian packages,
# as root or through passwordless sudo, trying without `apt-get update` first (fast when the
# lists are fresh), then with it. Never exits the caller; returns 1 when it could not install.
apt_install() {
  local label="$1"
  shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$label: apt-get not available; cannot install $*" >&2
    return 1
  fi
  local -a as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n)
    else
      echo "$label: not root and no passwordless sudo; cannot install $*" >&2
      return 1
    fi
  fi
  echo "$label: installing $* with apt-get"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 && return 0
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null 2>&1 || true
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 && return 0
  echo "$label: apt-get install $* failed" >&2
  return 1
}
