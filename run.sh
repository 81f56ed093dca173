#!/usr/bin/env bash
# One command for the whole pipeline on this machine: installs Azurite if missing, builds what changed, and runs
# Azurite + gateway + edge collector + cloud mirror/export with a live view. Arguments go to `sensorstream run`
# (e.g. ./run.sh --duration 60s, ./run.sh --sensor nic:eth0 --sensor synthetic:a). Ctrl-C stops everything in order.
# Paths given as arguments are relative to the current folder; the default data folder is <repo>/.sensorstream.
# Exit codes: cli/README.md ("Exit codes"); 2 also when the .NET SDK or Node.js is missing.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v dotnet >/dev/null 2>&1 || { echo "sensorstream: missing: the .NET 10 SDK (https://dot.net/download)" >&2; exit 2; }
# A run already using the data folder refuses at once, before the build touches the binaries it runs (the CLI takes
# the same kernel flock on <data-dir>/lock; see cli/Local/DataFolderLock.cs).
data_dir="${SENSORSTREAM_DATA_DIR:-$root/.sensorstream}"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --data-dir) data_dir="${args[$((i + 1))]:-$data_dir}" ;;
    --data-dir=*) data_dir="${args[$i]#--data-dir=}" ;;
  esac
done
if [ -e "$data_dir/lock" ] && command -v flock >/dev/null 2>&1 && ! flock -n "$data_dir/lock" true 2>/dev/null; then
  owner="$(cat "$data_dir/lock.owner" 2>/dev/null || echo "another process")"
  echo "sensorstream: the data folder $data_dir is in use by $owner; wait for it to end (or stop it), or use another --data-dir" >&2
  exit 4
fi
if [ ! -x "$root/node_modules/.bin/azurite" ] && ! command -v npm >/dev/null 2>&1; then
  echo "sensorstream: missing: Node.js >= 20 with npm, for Azurite (https://nodejs.org)" >&2; exit 2
fi
if [ ! -x "$root/node_modules/.bin/azurite" ]; then
  echo "[sensorstream] installing Azurite (npm ci)"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
"$root/cli/build-if-changed.sh" gateway edge-module functions-local cli
exec dotnet "$root/cli/bin/Release/net10.0/sensorstream.dll" run "$@"
