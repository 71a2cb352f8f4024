#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK: the npm tools in tools/ (s3rver).
# Idempotent and quiet when everything is already there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "error: Node.js and npm are required (they run s3rver for the S3 tests)" >&2; exit 1; }

if [ ! -f "$root/tools/node_modules/.install-stamp" ] || [ "$root/tools/package-lock.json" -nt "$root/tools/node_modules/.install-stamp" ]; then
  echo "installing test tools (npm ci in tools/)..." >&2
  (cd "$root/tools" && npm ci --no-audit --no-fund --loglevel=error >&2)
  touch "$root/tools/node_modules/.install-stamp"
fi
