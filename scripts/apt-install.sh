#!/usr/bin/env bash
# `bash scripts/apt-install.sh WHAT PACKAGE...`: Debian packages a test step needs (Chromium, Go), installed
# the way this machine allows — as root, or through sudo when it asks no password — or, when neither can,
# one line saying what to run and a non-zero exit. Only shell builtins and the commands it names, so its
# decisions can be tested with a PATH of stand-ins (test/e2e/install-tools.test.ts).
set -uo pipefail
what=$1
shift
say() { printf '%s\n' "$*" >&2; }
if ! command -v apt-get >/dev/null 2>&1; then
  say "$what is missing and this is not a Debian-like system (no apt-get): install the packages \"$*\" yourself, then run the command again"
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  run=(sudo -n)
else
  say "$what is missing and installing it needs root: run \`sudo apt-get update && sudo apt-get install -y $*\`, then run the command again"
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
say "installing $what: apt-get install $*"
# A stale package list makes `install` fail on a fresh machine; refresh it first (quietly).
"${run[@]}" apt-get update -qq || { say "apt-get update failed: see above"; exit 1; }
"${run[@]}" apt-get install -y -qq --no-install-recommends "$@" || { say "apt-get install $* failed: see above"; exit 1; }
