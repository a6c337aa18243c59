#!/usr/bin/env bash
# The web interface's build tools need Node.js 20 or newer.
set -euo pipefail
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "Node.js 20 or newer is needed to build the web interface (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "hint: install it from your distribution's backports or Node.js's Debian packages, then run this again." >&2
  exit 1
fi
