#!/usr/bin/env bash
# The reference implementation of the SPID/CIE OIDC profile (spid-cie-oidc on PyPI, with Django) in a
# virtualenv of its own under .tools/interop-venv, for `npm run test:interop`. Idempotent: the venv is
# kept while it holds exactly scripts/interop/requirements.txt (a stamp of its hash), and rebuilt
# otherwise. INTEROP_VENV names another directory. Prints the venv's python on its last line.
set -euo pipefail
case ${BASH_SOURCE[0]} in */*) here=${BASH_SOURCE[0]%/*} ;; *) here=. ;; esac
here=$(cd "$here" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${INTEROP_VENV:-$root/.tools/interop-venv}
requirements=$here/requirements.txt
stamp=$venv/.requirements.sha256
say() { printf '%s\n' "$*" >&2; }

python=$(command -v python3 || true)
if [ -z "$python" ]; then
  bash "$root/scripts/apt-install.sh" 'Python 3 (for the interop test)' python3 python3-venv
  python=$(command -v python3)
fi

want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  say "interop: spid-cie-oidc already installed in $venv"
  echo "$venv/bin/python"
  exit 0
fi

rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
  # Debian's python3 ships venv's ensurepip separately.
  rm -rf "$venv"
  bash "$root/scripts/apt-install.sh" 'python3-venv (for the interop test)' python3-venv
  "$python" -m venv "$venv"
fi
say "interop: installing spid-cie-oidc and Django into $venv (pip, pinned)"
# --no-deps: requirements.txt pins the whole tree, so nothing unpinned comes along.
timeout 300 "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input --no-deps -r "$requirements"
"$venv/bin/python" -c 'import django, spid_cie_oidc; print("interop: Django", django.get_version(), "spid-cie-oidc", spid_cie_oidc.__version__)' >&2
echo "$want" >"$stamp"
echo "$venv/bin/python"
