#!/usr/bin/env bash
# One command for the whole pipeline on this machine: installs Azurite if missing, builds, and runs
# Azurite + gateway + edge collector + cloud mirror/export with a live view. Arguments go to `sensorstream run`
# (e.g. ./run.sh --duration 60s, ./run.sh --sensor nic:eth0 --sensor synthetic:a). Ctrl-C stops everything in order.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ ! -x node_modules/.bin/azurite ]; then
  echo "[sensorstream] installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "[sensorstream] building (Release)"
for project in gateway edge-module functions-local cli; do
  dotnet build "$project" -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null || { dotnet build "$project" -c Release -v quiet -nologo -clp:ErrorsOnly; exit 1; }
done
exec dotnet cli/bin/Release/net10.0/sensorstream.dll run "$@"
