#!/usr/bin/env bash
# Builds the given projects (folders under the repository root) in Release unless nothing they could depend on has
# changed since the last successful build by this script: a no-op start of ./run.sh or ./sensorstream then costs a
# `find` over the sources (well under a second) instead of one `dotnet build` per project (~35 s on a small VM).
# "Changed" = a source, project, props/targets, json or proto file outside bin/obj/tests/node_modules newer than the
# stamp, or a project's output dll missing. Used by ../run.sh and ../sensorstream; progress goes to stderr.
# Usage: cli/build-if-changed.sh PROJECT_DIR... (e.g. gateway edge-module functions-local cli)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
stamp="$root/cli/obj/built-release-$(echo "$*" | tr ' /' '+_').stamp" # one per project set (git-ignored)
stale=""
[ -f "$stamp" ] || stale="first build"
for project in "$@"; do
  [ -n "$stale" ] && break
  csproj=$(ls "$root/$project"/*.csproj 2>/dev/null | head -1)
  assembly=$(sed -n 's:.*<AssemblyName>\(.*\)</AssemblyName>.*:\1:p' "$csproj" | head -1)
  [ -n "$assembly" ] || assembly=$(basename "$csproj" .csproj)
  [ -f "$root/$project/bin/Release/net10.0/$assembly.dll" ] || stale="$project is not built"
done
if [ -z "$stale" ]; then
  changed=$(cd "$root" && find . \( -path ./node_modules -o -path ./.git -o -path ./tests -o -path ./.sensorstream \
    -o -name bin -o -name obj -o -name TestResults \) -prune -o -type f -newer "$stamp" \
    \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' -o -name '*.proto' \) -print -quit)
  [ -z "$changed" ] || stale="${changed#./} changed"
fi
if [ -z "$stale" ]; then
  echo "[sensorstream] build up to date ($*)" >&2
  exit 0
fi
echo "[sensorstream] building (Release: $*; $stale)" >&2
mkdir -p "$(dirname "$stamp")"
started="$(dirname "$stamp")/started"
touch "$started" # files saved during the build are newer than the stamp, so the next start builds again
for project in "$@"; do
  dotnet build "$root/$project" -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null \
    || { dotnet build "$root/$project" -c Release -v quiet -nologo -clp:ErrorsOnly >&2; exit 1; }
done
mv "$started" "$stamp"
