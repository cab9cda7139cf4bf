#!/usr/bin/env bash
# Cost of cutting a run into shards, without the queue: `backtest --shards N` runs the shards one after another in one
# process, each through its stored (compressed) form, and merges them as the workers do. A fixed workload (the demo
# market, 100,000 episodes × 100 steps, TWAP, AC, POV plus Random, the best static schedule and the known optimum),
# three repetitions per shard count, one thread (DOTNET_PROCESSOR_COUNT=1) so that the figures are per CPU.
# Prints the median wall time per shard count and the overhead per shard against N = 1; also checks that every N
# writes the same JSON. Not a test: the figures depend on the machine and its load.
# Usage: benchmarks/shard-cost.sh [episodes] [repetitions]   (build Portal.Jobs in Release first)
set -euo pipefail
cd "$(dirname "$0")/.."
episodes=${1:-100000}
reps=${2:-3}
dll=src/Portal.Jobs/bin/Release/net10.0/Portal.Jobs.dll
[ -f "$dll" ] || { echo "Build first: dotnet build src/Portal.Jobs -c Release" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export DOTNET_PROCESSOR_COUNT=1 DOTNET_NOLOGO=1

run() { # shards rep -> seconds
  local start end
  start=$(date +%s.%N)
  dotnet "$dll" backtest --episodes "$episodes" --seed 7 --strategies twap ac pov --shards "$1" --json "$out/$1-$2.json" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "backtest --episodes $episodes --strategies twap ac pov, one thread, median of $reps (wall seconds, process start included)"
printf '%8s %10s %16s\n' shards median overhead/shard
base=""
for n in 1 2 4 8 16 32; do
  times=()
  for r in $(seq 1 "$reps"); do times+=("$(run "$n" "$r")"); done
  med=$(printf '%s\n' "${times[@]}" | median)
  [ -z "$base" ] && base=$med
  if [ "$n" -gt 1 ]; then per=$(echo "($med - $base) / ($n - 1) * 1000" | bc -l); printf '%8d %10.2f %13.1f ms\n' "$n" "$med" "$per"
  else printf '%8d %10.2f %16s\n' "$n" "$med" "-"; fi
  cmp -s "$out/1-1.json" "$out/$n-1.json" || { echo "shards=$n wrote a different result" >&2; exit 1; }
done
echo "every shard count wrote the same JSON"
