#!/usr/bin/env bash
# Sharded runs through Hangfire on PostgreSQL, with real worker processes (`Portal.Jobs worker`), each limited to one
# thread (DOTNET_PROCESSOR_COUNT=1; the engine's threads follow the processor count):
#   1. per-shard overhead: the same run on one worker as one job and cut into many shards (Jobs:EpisodesPerShard),
#      alternately; the extra worker processor seconds (and wall seconds) per extra shard;
#   2. speed-up: the same sharded run on one worker and on two, alternately; wall time of the run (first shard started
#      to result stored, from the run's own timestamps) and the workers' processor seconds.
# A throwaway PostgreSQL (scripts/pg-throwaway.sh) and one portal (production mode) that only accepts the runs (with
# PostgreSQL the portal enqueues and workers execute). Processor seconds come from /proc/PID/stat of the worker
# processes, read when the run is submitted and when it has finished, so worker start-up is not counted. Not a test:
# the figures depend on the machine and its load, which is why the configurations alternate and cpu-s are reported.
# Usage: benchmarks/shard-workers.sh [episodes] [repetitions]   (build first: dotnet build src/Portal.Web -c Release,
# which builds Portal.Jobs too). Runs use the demo team's first scenario (its steps) with 3 strategies. Environment: SHARD (episodes per shard in part 1, 512),
# SPEEDUP_SHARD (episodes per shard in part 2, 2048), STEPS (decision steps instead of the scenario's 12: more work per
# episode for the same stored result per episode), WARM_SHARDS (shards every worker runs before it is measured, 8), PARTS
# ("1 2", which parts to run), TRACE (1: print every measured run's shards: worker, start and duration from the run's
# start), WORKER_ENV (extra VAR=value settings for the worker processes only, space separated, for experiments such as
# DOTNET_TieredCompilation=0), LOGS (a directory to keep the portal's and workers' logs in).
set -euo pipefail
cd "$(dirname "$0")/.."
episodes=${1:-32768}
reps=${2:-3}
shard=${SHARD:-512}
warm_shards=${WARM_SHARDS:-8}
parts=${PARTS:-1 2}
read -r -a worker_env <<<"${WORKER_ENV:-}"
speedup_shard=${SPEEDUP_SHARD:-2048}
web=${WEB_DLL:-$(pwd)/src/Portal.Web/bin/Release/net10.0/Portal.Web.dll}
jobs=${JOBS_DLL:-$(pwd)/src/Portal.Jobs/bin/Release/net10.0/Portal.Jobs.dll}
[ -f "$web" ] && [ -f "$jobs" ] || { echo "Build first: dotnet build src/Portal.Web -c Release" >&2; exit 1; }

# shellcheck source=../scripts/pg-throwaway.sh
source scripts/pg-throwaway.sh
work=$(mktemp -d /tmp/shard-workers.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pg_throwaway_stop
  if [ -n "${LOGS:-}" ]; then mkdir -p "$LOGS" && cp "$work"/*.log "$LOGS"/; fi
  rm -rf "$work"
}
trap cleanup EXIT
pg_throwaway_start >&2
psql() { command "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -X -q "$@"; }
psql -d postgres -c "CREATE DATABASE executionlab" >/dev/null
connection="Host=127.0.0.1;Port=$PG_PORT;Database=executionlab;Username=postgres"
common=(Database__Provider=Postgres Database__ConnectionString="$connection" DOTNET_NOLOGO=1 Logging__LogLevel__Default=Warning)

port=$(pg_free_port)
(cd "$(dirname "$web")" && exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" "${common[@]}" \
    Portal__SeedDemo=true Portal__Dashboard=false dotnet "$web" >"$work/portal.log" 2>&1) &
pids+=($!)
for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 1; done
curl -fs -o /dev/null "http://127.0.0.1:$port/health" || { cat "$work/portal.log" >&2; exit 1; }
team=$(psql -d executionlab -At -c "SELECT \"Id\" FROM \"Teams\" ORDER BY \"CreatedUtc\" LIMIT 1")
token="el_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
psql -d executionlab -c "INSERT INTO \"ApiTokens\" (\"Id\", \"TeamId\", \"UserId\", \"Name\", \"Prefix\", \"Hash\", \"CreatedUtc\")
  SELECT gen_random_uuid(), '$team', \"UserId\", 'shard benchmark', 'el_shard', '$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)', now()
  FROM \"TeamMembers\" WHERE \"TeamId\" = '$team' ORDER BY \"Role\" DESC LIMIT 1" >/dev/null
api() { curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
scenario=$(api "http://127.0.0.1:$port/api/scenarios" | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("items", d) if isinstance(d, dict) else d; print(d[0]["id"])')
if [ -n "${STEPS:-}" ]; then
  # The same scenario with more decision steps: more work per episode for the same stored result per episode.
  scenario=$(api "http://127.0.0.1:$port/api/scenarios/$scenario/json" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); d["order"]["steps"]=int(sys.argv[1]); d["name"]+=" ("+sys.argv[1]+" steps)"; print(json.dumps(d))' "$STEPS" \
    | api -X POST "http://127.0.0.1:$port/api/scenarios" -d @- | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
fi

start_worker() { # name episodes-per-shard -> pid in $worker_pid
  (cd "$(dirname "$jobs")" && exec env "${common[@]}" "${worker_env[@]}" DOTNET_PROCESSOR_COUNT=1 Jobs__WorkerName="$1" Jobs__EpisodesPerShard="$2" \
      Jobs__PollIntervalSeconds=0.1 dotnet "$jobs" worker >"$work/$1.log" 2>&1) &
  worker_pid=$!
  pids+=("$worker_pid")
}
stop_workers() { for p in "$@"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
cpu_of() { # pids -> processor seconds of those processes (user + system)
  local total=0 p
  for p in "$@"; do total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done
  echo "scale=3; $total / $(getconf CLK_TCK)" | bc -l
}
submit_and_wait() { # episodes seed -> run id (waits until it finished)
  local id status
  id=$(api -X POST "http://127.0.0.1:$port/api/runs" -d "{\"scenarioId\":\"$scenario\",\"episodes\":$1,\"seed\":$2,\"strategies\":[\"twap\",\"ac\",\"pov\"],\"name\":\"shard benchmark\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  for _ in $(seq 1 3600); do
    status=$(psql -d executionlab -At -c "SELECT \"Status\" FROM \"Runs\" WHERE \"Id\" = '$id'")
    case $status in Succeeded) break ;; Failed|Cancelled) echo "run $id $status" >&2; exit 1 ;; esac
    sleep 0.2
  done
  [ "$status" = Succeeded ] || { echo "run $id did not finish" >&2; exit 1; }
  # The worker that stored the result freezes the run's report after it: wait for that too, so that it is neither left
  # out of the run's processor seconds nor charged to the next run.
  for _ in $(seq 1 600); do
    [ "$(psql -d executionlab -At -c "SELECT \"ReportJson\" IS NOT NULL FROM \"Runs\" WHERE \"Id\" = '$id'")" = t ] && { echo "$id"; return 0; }
    sleep 0.2
  done
  echo "run $id: report not frozen" >&2; exit 1
}
measure() { # label episodes seed pids... -> prints "label shards wall cpu"
  local label=$1 n=$2 seed=$3; shift 3
  local before after id row
  local each=() p; for p in "$@"; do each+=("$(cpu_of "$p")"); done; each=("" "${each[@]}")
  before=$(cpu_of "$@")
  id=$(submit_and_wait "$n" "$seed")
  after=$(cpu_of "$@")
  row=$(psql -d executionlab -At -F' ' -c "SELECT greatest(\"Shards\", 1), extract(epoch FROM \"FinishedUtc\" - \"StartedUtc\") FROM \"Runs\" WHERE \"Id\" = '$id'")
  echo "$label $row $(echo "$after - $before" | bc -l)"
  if [ -n "${TRACE:-}" ]; then
    trace "$id" >&2
    local p i=0
    for p in "$@"; do echo "  worker $((++i)) (pid $p): $(echo "${each[$i]} - 0" | bc -l) → $(cpu_of "$p") cpu-s" >&2; done
  fi
}
trace() { # run id -> one line per shard: index, worker, start and finish (s from the run's start), duration, attempts
  psql -d executionlab -At -F' ' -c "SELECT s.\"Index\", s.\"WorkerName\",
      round(extract(epoch FROM s.\"StartedUtc\" - r.\"StartedUtc\")::numeric, 3), round(extract(epoch FROM s.\"FinishedUtc\" - r.\"StartedUtc\")::numeric, 3),
      round(extract(epoch FROM s.\"FinishedUtc\" - s.\"StartedUtc\")::numeric, 3), s.\"Attempts\"
    FROM \"RunShards\" s JOIN \"Runs\" r ON r.\"Id\" = s.\"RunId\" WHERE s.\"RunId\" = '$1' ORDER BY s.\"StartedUtc\"" \
    | awk '{printf "  shard %3d  %-10s start %7.3f  end %7.3f  took %6.3f s  attempts %d\n", $1, $2, $3, $4, $5, $6}'
  psql -d executionlab -At -F' ' -c "SELECT round(extract(epoch FROM r.\"FinishedUtc\" - max(s.\"FinishedUtc\"))::numeric, 3)
    FROM \"RunShards\" s JOIN \"Runs\" r ON r.\"Id\" = s.\"RunId\" WHERE s.\"RunId\" = '$1' GROUP BY r.\"FinishedUtc\"" \
    | awk '{printf "  last shard to result stored: %s s\n", $1}'
}
# JIT and connection pools of freshly started workers. .NET compiles a method first without optimisation and optimises
# it only after about 30 calls, so a worker that has run a shard or two runs the shard path cold; and which worker takes
# which warm-up shard is up to the queue (one worker can take them all). So warm-up runs of four shards of the measured
# size repeat until every worker has run at least $warm_shards shards, counted from the shard rows by worker name (and
# the one-job worker its one-job path, twice).
warm() { # per-shard worker names...
  local names="'$(IFS=,; echo "$*" | sed "s/,/','/g")'" least
  for round in $(seq 1 50); do
    submit_and_wait $(( 4 * speedup_shard )) "$round" >/dev/null
    [ $# -eq 0 ] && { [ "$round" -ge 2 ] && return 0; continue; }
    least=$(psql -d executionlab -At -c "SELECT coalesce(min(n), 0) FROM (SELECT w, (SELECT count(*) FROM \"RunShards\" WHERE \"WorkerName\" = w) n
      FROM unnest(ARRAY[$names]) w) c")
    if [ "$least" -ge "$warm_shards" ]; then
      echo "  warm-up: $round runs; shards per worker: $(psql -d executionlab -At -F= -c "SELECT \"WorkerName\", count(*) FROM \"RunShards\"
        WHERE \"WorkerName\" IN ($names) GROUP BY 1 ORDER BY 1" | tr '\n' ' ')" >&2
      return 0
    fi
  done
  echo "warm-up: a worker ran only $least shards after $round runs" >&2; exit 1
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "runs of $episodes episodes of the demo scenario${STEPS:+ with $STEPS steps}, twap ac pov; workers with DOTNET_PROCESSOR_COUNT=1; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "label shards wall-s worker-cpu-s" >"$work/results"
for r in $(seq 1 "$reps"); do
  # Part 1: one worker, one job against shards of $shard episodes.
  for config in one-job sharded; do
    [[ " $parts " == *" 1 "* ]] || continue
    per=$([ "$config" = one-job ] && echo $(( episodes * 2 )) || echo "$shard")
    start_worker "w-$config-$r" "$per"; w=$worker_pid
    if [ "$config" = one-job ]; then warm; else warm "w-$config-$r"; fi
    measure "$config" "$episodes" $(( 100 + r )) "$w" | tee -a "$work/results"
    stop_workers "$w"
  done
  # Part 2: the same sharded run on one worker and on two.
  for workers in 1 2; do
    [[ " $parts " == *" 2 "* ]] || continue
    start_worker "a-$workers-$r" "$speedup_shard"; a=$worker_pid
    set -- "$a"; names=("a-$workers-$r")
    if [ "$workers" = 2 ]; then start_worker "b-$workers-$r" "$speedup_shard"; set -- "$a" "$worker_pid"; names+=("b-$workers-$r"); fi
    warm "${names[@]}"
    measure "workers-$workers" "$episodes" $(( 200 + r )) "$@" | tee -a "$work/results"
    stop_workers "$@"
  done
done

echo
echo "medians over $reps repetitions:"
for label in one-job sharded workers-1 workers-2; do
  grep -q "^$label " "$work/results" || continue
  shards=$(awk -v l="$label" '$1 == l {print $2}' "$work/results" | median)
  wall=$(awk -v l="$label" '$1 == l {print $3}' "$work/results" | median)
  cpu=$(awk -v l="$label" '$1 == l {print $4}' "$work/results" | median)
  printf '%-10s shards %4s  wall %8.2f s  worker cpu %8.2f s\n' "$label" "$shards" "$wall" "$cpu"
  eval "wall_${label//-/_}=$wall cpu_${label//-/_}=$cpu shards_${label//-/_}=$shards"
done
# shellcheck disable=SC2154
if [[ " $parts " == *" 1 "* ]]; then
  extra=$(( shards_sharded - shards_one_job ))
  printf 'per extra shard (Hangfire on PostgreSQL, store and merge included): %.1f ms cpu, %.1f ms wall\n' \
    "$(echo "($cpu_sharded - $cpu_one_job) / $extra * 1000" | bc -l)" "$(echo "($wall_sharded - $wall_one_job) / $extra * 1000" | bc -l)"
fi
# shellcheck disable=SC2154
if [[ " $parts " == *" 2 "* ]]; then
  # Ratios per repetition (each pair measured back to back), then their median.
  ratio=$(paste <(awk '$1 == "workers-1" {print $3}' "$work/results") <(awk '$1 == "workers-2" {print $3}' "$work/results") | awk '{print $1 / $2}' | median)
  printf 'speed-up from one worker to two (wall, median of the per-repetition ratios): %.2f×; cpu-s two/one: %.2f\n' \
    "$ratio" "$(echo "$cpu_workers_2 / $cpu_workers_1" | bc -l)"
fi
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
