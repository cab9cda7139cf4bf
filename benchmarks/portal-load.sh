#!/usr/bin/env bash
# The portal under load: seeds a throwaway PostgreSQL with 10,000 runs and 1,000,000 per-episode rows
# (benchmarks/portal-seed.sql), starts one portal per build given (production mode, each on its own port, all on the same
# database), authenticates with an API token, and measures the leaderboard API, the leaderboard page, the runs list page,
# GET /api/runs as it opens and with a filter and a sort with `wrk -t1 -c50 -d30s --latency`: 50 concurrent clients, three 30 s runs per
# URL and build, the builds taken alternately so that they share the machine's load. Prints p50 and p99 per run and the
# median of the three. Not a test and not a CI gate: the figures depend on the machine and its load.
#
# Usage: benchmarks/portal-load.sh [LABEL=path/to/Portal.Web.dll ...]
#   default: current=src/Portal.Web/bin/Release/net10.0/Portal.Web.dll (build it first: dotnet build src/Portal.Web -c Release)
#   e.g. before=/tmp/portal-before/Portal.Web.dll after=src/Portal.Web/bin/Release/net10.0/Portal.Web.dll
# Environment: DURATION (30s), CONNECTIONS (50), ROUNDS (3), TIMEOUT (wrk's per-request timeout, 10s), ALONE_MAX (seconds
# one request by itself may take, 600), PAGES (0 skips timing the other pages). Requests slower
# than TIMEOUT count as timeouts and are not in the percentiles: the table prints how many there were.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=${DURATION:-30s}
connections=${CONNECTIONS:-50}
rounds=${ROUNDS:-3}
timeout=${TIMEOUT:-10s}
alone_max=${ALONE_MAX:-600}

if ! command -v wrk >/dev/null; then
  echo "Installing wrk (Debian package)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null; else sudo apt-get install -y -q wrk >/dev/null; fi
fi

builds=("$@")
[ ${#builds[@]} -gt 0 ] || builds=("current=src/Portal.Web/bin/Release/net10.0/Portal.Web.dll")
for b in "${builds[@]}"; do
  [ -f "${b#*=}" ] || { echo "No portal build at ${b#*=} (dotnet build src/Portal.Web -c Release)" >&2; exit 1; }
done

# shellcheck source=../scripts/pg-throwaway.sh
source scripts/pg-throwaway.sh
work=$(mktemp -d /tmp/portal-load.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pg_throwaway_stop
  rm -rf "$work"
}
trap cleanup EXIT
pg_throwaway_start >&2
psql() { command "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -X -q "$@"; }
psql -d postgres -c "CREATE DATABASE executionlab" >/dev/null
connection="Host=127.0.0.1;Port=$PG_PORT;Database=executionlab;Username=postgres;Maximum Pool Size=200"

start_portal() { # label dll port -> pid (in $portal_pid)
  local label=$1 dll=$2 port=$3
  (cd "$(dirname "$dll")" && exec env ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 \
      ASPNETCORE_URLS="http://127.0.0.1:$port" Database__Provider=Postgres Database__ConnectionString="$connection" \
      Portal__SeedDemo=true Portal__Dashboard=false Logging__LogLevel__Default=Warning \
      dotnet "$(basename "$dll")" >"$work/$label.log" 2>&1) &
  portal_pid=$!
  # Start-up migrates and upgrades stored runs first (a build may fill statistics for every seeded run then).
  for _ in $(seq 1 900); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port/health"; then return 0; fi
    kill -0 "$portal_pid" 2>/dev/null || { cat "$work/$label.log" >&2; echo "$label did not start" >&2; exit 1; }
    sleep 1
  done
  echo "$label did not answer /health" >&2; exit 1
}

# The first build migrates the schema and creates the demo team; then the data goes in with plain SQL (set-based, ~1 min).
labels=(); ports=()
first=${builds[0]}
port=$(pg_free_port)
start_portal "${first%%=*}" "${first#*=}" "$port"
pids+=("$portal_pid")
labels+=("${first%%=*}"); ports+=("$port")
team=$(psql -d executionlab -At -c "SELECT \"Id\" FROM \"Teams\" ORDER BY \"CreatedUtc\" LIMIT 1")
token="el_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
echo "Seeding 10,000 runs and 1,000,000 episode rows ..." >&2
seed_start=$(date +%s)
psql -d executionlab -v team="$team" -v token_hash="$hash" -f benchmarks/portal-seed.sql >&2
echo "seeded in $(( $(date +%s) - seed_start )) s" >&2

# Restart the first build, so that its start-up fills what a build stores per run (e.g. paired statistics) for the seeded
# runs, as it does for runs stored by an earlier version.
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
start_portal "${first%%=*}" "${first#*=}" "${ports[0]}"
pids[0]=$portal_pid

for b in "${builds[@]:1}"; do
  port=$(pg_free_port)
  start_portal "${b%%=*}" "${b#*=}" "$port"
  pids+=("$portal_pid"); labels+=("${b%%=*}"); ports+=("$port")
done

# Wait until every stored run has its paired statistics, where the build keeps them (a build that backfills them at start).
if [ "$(psql -d executionlab -At -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'Runs' AND column_name = 'PairsStoredUtc'")" = 1 ]; then
  for _ in $(seq 1 600); do
    left=$(psql -d executionlab -At -c "SELECT count(*) FROM \"Runs\" WHERE \"Status\" = 'Succeeded' AND \"PairsStoredUtc\" IS NULL")
    [ "$left" = 0 ] && break
    sleep 1
  done
  echo "paired statistics stored for every run (left: $left)" >&2
fi

# The other pages a user walks through (the leaderboard is timed alone below), once each by itself with 10,000 runs in
# the team (a run page: the newest run).
newest=$(psql -d executionlab -At -c "SELECT \"Id\" FROM \"Runs\" WHERE \"Status\" = 'Succeeded' ORDER BY \"CreatedUtc\" DESC LIMIT 1")
[ "${PAGES:-1}" = 0 ] || echo "one request each, by itself (ms; the second of two requests):"
[ "${PAGES:-1}" = 0 ] || for page in / /runs "/runs/$newest" /compare /studies /scenarios /agents /datasets /team /tokens; do
  line=$(printf '%-44s' "$page")
  for i in "${!labels[@]}"; do
    curl -s -o /dev/null --max-time 600 -H "Authorization: Bearer $token" "http://127.0.0.1:${ports[$i]}$page" || true
    read -r code seconds < <(curl -s -o /dev/null --max-time 600 -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token" "http://127.0.0.1:${ports[$i]}$page")
    line+=$(printf ' %s %s %6.0f' "${labels[$i]}" "$code" "$(awk -v s="$seconds" 'BEGIN { print s * 1000 }')")
  done
  echo "$line"
done
echo

urls=("/api/leaderboards" "/leaderboards" "/runs" "/api/runs" "/api/runs?regime=volatile&sort=-meanCostBps")
to_ms() { # wrk latency (e.g. 812.00us, 12.34ms, 1.20s) -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.1f", n }'
}
median() { sed 's/^inf$/1e300/' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}' | sed 's/^1e300$/timeout/'; }

echo "wrk -t1 -c$connections -d$duration --timeout $timeout --latency -H 'Authorization: Bearer el_…' URL; $rounds rounds, builds alternately; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(timeouts: requests over $timeout in all rounds, not in the percentiles; alone: one request by itself after the warm-up, ms)"
printf '%-10s %-46s %-38s %10s %10s %9s %9s %9s\n' build url "runs p50/p99 (ms)" "med p50" "med p99" "req/s" timeouts alone
declare -a alone=()
for url in "${urls[@]}"; do
  for i in "${!labels[@]}"; do # warm up: JIT, connection pools, caches; and one request alone, timed
    wrk -t1 -c"$connections" -d5s --timeout "$timeout" -H "Authorization: Bearer $token" "http://127.0.0.1:${ports[$i]}$url" >/dev/null
    sleep 2
    read -r code seconds < <(curl -s -o /dev/null --max-time "$alone_max" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token" "http://127.0.0.1:${ports[$i]}$url" || true)
    if [ "$code" = 200 ]; then alone[$i]=$(awk -v s="$seconds" 'BEGIN { printf "%.0f", s * 1000 }')
    elif [ "$code" = 000 ]; then alone[$i]=">${alone_max}s"
    else echo "${labels[$i]} $url answered $code" >&2; exit 1; fi
  done
  declare -A p50s=() p99s=() rps=() timeouts=()
  for r in $(seq 1 "$rounds"); do
    for i in "${!labels[@]}"; do
      out=$(wrk -t1 -c"$connections" -d"$duration" --timeout "$timeout" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:${ports[$i]}$url")
      if grep -q "Non-2xx" <<<"$out"; then echo "${labels[$i]} $url: $(grep Non-2xx <<<"$out")" >&2; fi
      p50=$(awk '$1 == "50%" {print $2}' <<<"$out"); p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
      p50s[$i]+="$( [ -n "$p50" ] && to_ms "$p50" || echo inf) "
      p99s[$i]+="$( [ -n "$p99" ] && to_ms "$p99" || echo inf) "
      rps[$i]+="$(awk '/Requests\/sec/ {print $2}' <<<"$out") "
      timeouts[$i]+="$(grep -o 'timeout [0-9]*' <<<"$out" | awk '{print $2}' || true)+"
      sleep 2
    done
  done
  for i in "${!labels[@]}"; do
    pairs=$(paste -d/ <(tr ' ' '\n' <<<"${p50s[$i]}" | sed '/^$/d') <(tr ' ' '\n' <<<"${p99s[$i]}" | sed '/^$/d') | paste -sd' ')
    lost=$(tr '+' '\n' <<<"${timeouts[$i]}" | awk '{s += $1} END {print s + 0}')
    printf '%-10s %-46s %-38s %10s %10s %9s %9s %9s\n' "${labels[$i]}" "$url" "$pairs" \
      "$(tr ' ' '\n' <<<"${p50s[$i]}" | sed '/^$/d' | median)" "$(tr ' ' '\n' <<<"${p99s[$i]}" | sed '/^$/d' | median)" \
      "$(tr ' ' '\n' <<<"${rps[$i]}" | sed '/^$/d' | median)" "$lost" "${alone[$i]}"
  done
  unset p50s p99s rps timeouts
done
