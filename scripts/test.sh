#!/usr/bin/env bash
# Runs every test project for real: a throwaway PostgreSQL on a free loopback port and headless Chromium.
# Installs what is missing from Debian packages when run as root. Usage: scripts/test.sh [extra dotnet test args]
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$(pwd)

log() { printf '\n== %s\n' "$*"; }

# 1. System packages the tests need.
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "Installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${need[*]}. Install them (sudo apt-get install -y ${need[*]}) and run again." >&2
    exit 1
  fi
fi

# 2. A throwaway PostgreSQL cluster.
source scripts/pg-throwaway.sh
pg_throwaway_start
trap pg_throwaway_stop EXIT
export EXECUTIONLAB_TEST_POSTGRES="Host=127.0.0.1;Port=${PG_PORT};Username=postgres;Database=postgres;Pooling=true;Include Error Detail=true"
export EXECUTIONLAB_DATA="${EXECUTIONLAB_DATA:-$(cd "$root_dir/.." && pwd)/shared/data}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# 3. Build once, then run every test project.
log "Building"
dotnet build ExecutionLab.sln -c Release -nologo -v:q -clp:ErrorsOnly
log "Testing"
results=$(mktemp -d)
status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  log "$name"
  dotnet test "$project" -c Release --no-build -nologo --logger "trx;LogFileName=$name.trx" \
    --results-directory "$results" "$@" || status=1
done

# 4. One closing line over all projects, from the result files.
read -r passed failed < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' |
    sed -E 's/.* passed="([0-9]+)".* failed="([0-9]+)".*/\1 \2/' |
    awk '{p += $1; f += $2} END {print p + 0, f + 0}')
skipped=$( (cat "$results"/*.trx 2>/dev/null || true) | { grep -o 'outcome="NotExecuted"' || true; } | wc -l)
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
