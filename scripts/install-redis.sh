#!/usr/bin/env bash
# `npm run setup:redis`, a step of `npm test`: the directory's Upstash adapter is tested against Debian's
# redis-server, which the tests start on a free port of their own (never the system service's 6379).
# REDIS_SERVER names another binary (then nothing is installed); DEBIAN_REDIS_SERVER is where Debian's
# package puts it, a knob for the tests of this script only.
set -uo pipefail
# Where this script lives, with builtins only (the tests run it with a PATH of stand-ins).
case ${BASH_SOURCE[0]} in */*) here=${BASH_SOURCE[0]%/*} ;; *) here=. ;; esac
if [ -n "${REDIS_SERVER:-}" ]; then
  if [ -x "$REDIS_SERVER" ]; then echo "redis-server: using REDIS_SERVER=$REDIS_SERVER"; exit 0; fi
  printf '%s\n' "REDIS_SERVER=$REDIS_SERVER is not an executable file: point it to a redis-server binary, or unset it to use Debian's" >&2
  exit 1
fi
debian=${DEBIAN_REDIS_SERVER:-/usr/bin/redis-server}
if [ -x "$debian" ]; then
  echo "redis-server: $debian"
  exit 0
fi
"$BASH" "$here/apt-install.sh" redis-server redis-server || exit 1
if [ ! -x "$debian" ]; then
  printf '%s\n' "apt-get installed redis-server but $debian is not there: set REDIS_SERVER to the binary" >&2
  exit 1
fi
echo "redis-server: installed $debian"
