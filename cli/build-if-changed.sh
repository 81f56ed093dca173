#!/usr/bin/env bash
# Builds the given projects (folders under the repository root) in Release unless nothing they could depend on has
# changed since this script last built them: a no-op start of ./run.sh or ./sensorstream then costs a `find` over the
# sources (well under a second) instead of one `dotnet build` per project (~35 s on a small VM).
# - One stamp per project (cli/obj/built-release/<project>.stamp, git-ignored), so `./sensorstream` (cli) right after
#   `./run.sh` (gateway edge-module functions-local cli) finds cli already built.
# - "Changed" = a source, project, props/targets, json or proto file newer than the project's stamp, or the project's
#   output dll missing. Only project sources count: every dot-folder (.git, .azurite, .sensorstream, .ci, …), bin,
#   obj, node_modules, tests and TestResults are skipped, so Azurite data or run outputs inside the clone never
#   trigger a build.
# - Builds of one clone take turns (flock on cli/obj/build.lock); a start that waited re-checks and usually finds the
#   other build made everything current. Each build marks its own start time in its own temp file.
# Used by ../run.sh and ../sensorstream; progress goes to stderr. DOTNET (default `dotnet`) names the SDK command.
# Usage: cli/build-if-changed.sh PROJECT_DIR... (e.g. gateway edge-module functions-local cli)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
dotnet="${DOTNET:-dotnet}"
state="$root/cli/obj/built-release"
mkdir -p "$state"

if command -v flock >/dev/null 2>&1; then
  exec 9>"$root/cli/obj/build.lock"
  if ! flock -n 9; then
    echo "[sensorstream] waiting for another build of this clone to finish" >&2
    flock 9
  fi
fi

# Prints why PROJECT needs a build (empty when it is current).
why_stale() {
  local project="$1" stamp csproj assembly changed
  stamp="$state/$(echo "$project" | tr '/' '_').stamp"
  [ -f "$stamp" ] || { echo "first build"; return; }
  csproj=$(ls "$root/$project"/*.csproj 2>/dev/null | head -1)
  [ -n "$csproj" ] || { echo "no project file in $project"; return; }
  assembly=$(sed -n 's:.*<AssemblyName>\(.*\)</AssemblyName>.*:\1:p' "$csproj" | head -1)
  [ -n "$assembly" ] || assembly=$(basename "$csproj" .csproj)
  [ -f "$root/$project/bin/Release/net10.0/$assembly.dll" ] || { echo "not built"; return; }
  changed=$(cd "$root" && find . -mindepth 1 \( -name '.*' -o -path ./node_modules -o -path ./tests \
    -o -name bin -o -name obj -o -name TestResults \) -prune -o -type f -newer "$stamp" \
    \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' -o -name '*.proto' \) -print -quit)
  [ -z "$changed" ] || echo "${changed#./} changed"
}

stale=()
reasons=()
for project in "$@"; do
  reason="$(why_stale "$project")"
  if [ -n "$reason" ]; then
    stale+=("$project")
    reasons+=("$project: $reason")
  fi
done
if [ ${#stale[@]} -eq 0 ]; then
  echo "[sensorstream] build up to date ($*)" >&2
  exit 0
fi
echo "[sensorstream] building (Release: ${stale[*]}; $(IFS=';'; echo "${reasons[*]}" | sed 's/;/; /g'))" >&2
started="$(mktemp "$state/started.XXXXXX")" # files saved during the build are newer than the stamp: the next start builds again
trap 'rm -f "$started"' EXIT
for project in "${stale[@]}"; do
  "$dotnet" build "$root/$project" -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null \
    || { "$dotnet" build "$root/$project" -c Release -v quiet -nologo -clp:ErrorsOnly >&2; exit 1; }
  touch -r "$started" "$state/$(echo "$project" | tr '/' '_').stamp"
done
