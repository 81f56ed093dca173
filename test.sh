#!/usr/bin/env bash
# The one test command (README "Run the tests"; CI calls it through .ci/run). It checks and installs what the tests
# need first — .NET 10 SDK, Node.js + Azurite (npm ci), Debian's mosquitto — and says exactly what is missing before
# running anything. Extra arguments go to `dotnet test` (e.g. --filter, --logger).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

missing=()
major() { sed -E 's/^v?([0-9]+).*/\1/' <<<"$1"; }

if ! command -v dotnet >/dev/null 2>&1; then missing+=("the .NET 10 SDK (https://dot.net/download)")
elif [ "$(major "$(dotnet --version 2>/dev/null || echo 0)")" -lt 10 ]; then missing+=("the .NET 10 SDK (found $(dotnet --version))"); fi

node_min=20
if ! command -v node >/dev/null 2>&1; then missing+=("Node.js >= $node_min with npm (for Azurite)")
elif [ "$(major "$(node --version)")" -lt "$node_min" ]; then missing+=("Node.js >= $node_min (found $(node --version))"); fi

# Debian packages the tests start or run: mosquitto (the MQTT broker of the IoT Edge tests) and gRPC for Debian's
# python3 (the gateway's Python compatibility clients, tests/SensorStream.Gateway.Tests/Python).
need_apt=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need_apt+=(mosquitto)
/usr/bin/python3 -c 'import grpc, grpc_tools' >/dev/null 2>&1 || need_apt+=(python3-grpcio python3-grpc-tools)
if [ ${#need_apt[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; }; then
    echo "[test] installing ${need_apt[*]} (apt-get)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null; } \
      || missing+=("${need_apt[*]} (apt-get install failed)")
  else
    missing+=("Debian packages ${need_apt[*]}: the MQTT broker and Python gRPC the tests use (sudo apt-get install ${need_apt[*]})")
  fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "[test] cannot run the tests; missing:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  exit 2
fi

if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[test] installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
# Azurite declares the Node versions it supports; say so when this one is older (it runs, but unsupported).
azurite_node=$(sed -n 's/.*"node": *">=\([0-9]*\).*/\1/p' node_modules/azurite/package.json | head -1)
if [ -n "$azurite_node" ] && [ "$(major "$(node --version)")" -lt "$azurite_node" ]; then
  echo "[test] note: Azurite declares Node >= $azurite_node; this is $(node --version) (works for these tests, not supported upstream)"
fi

exec dotnet test Serverless.sln "$@"
