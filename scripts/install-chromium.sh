#!/usr/bin/env bash
# `npm run setup:browser`: the browser tests drive Debian's Chromium through playwright-core.
# Playwright's own browser download needs hosts we cannot reach, so we never use it.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends chromium fonts-liberation
/usr/bin/chromium --version
