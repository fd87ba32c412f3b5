#!/usr/bin/env bash
# `npm run setup:browser`, and the first step of `npm test`: the browser tests drive Debian's Chromium
# through playwright-core. Playwright's own browser download needs hosts we cannot reach, so we never use it.
# CHROMIUM_PATH names another binary (then nothing is installed); DEBIAN_CHROMIUM is where Debian's package
# puts it, a knob for the tests of this script only.
set -uo pipefail
# Where this script lives, with builtins only (the tests run it with a PATH of stand-ins).
case ${BASH_SOURCE[0]} in */*) here=${BASH_SOURCE[0]%/*} ;; *) here=. ;; esac
if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ -x "$CHROMIUM_PATH" ]; then echo "chromium: using CHROMIUM_PATH=$CHROMIUM_PATH"; exit 0; fi
  printf '%s\n' "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file: point it to a Chromium binary, or unset it to use Debian's" >&2
  exit 1
fi
debian=${DEBIAN_CHROMIUM:-/usr/bin/chromium}
if [ -x "$debian" ]; then
  echo "chromium: $debian"
  exit 0
fi
"$BASH" "$here/apt-install.sh" Chromium chromium fonts-liberation || exit 1
if [ ! -x "$debian" ]; then
  printf '%s\n' "apt-get installed chromium but $debian is not there: set CHROMIUM_PATH to the binary" >&2
  exit 1
fi
echo "chromium: installed $debian"
