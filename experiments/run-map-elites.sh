#!/usr/bin/env bash
# MAP-Elites specialists at the published budget: 128,000 candidates (generations of 1,000) of a linear policy, each
# evaluated on 9 volatility × liquidity niches × 32 episodes × 20 steps (docs/map-elites.md), then the held-out comparison
# of every niche's specialist with the generalist, and of the regime router with the oracle, the generalist and TWAP
# (4,000 held-out episodes per niche). Writes experiments/out/map-elites/default/{summary.json,command.txt,machine.txt};
# experiments/report.sh turns them into the "specialists vs generalist" and "router vs oracle vs generalist" sections of
# docs/results.md.
# Environment: CANDIDATES (default 128000), BATCH (1000), HOLDOUT (4000), SEED (1), SHARDS (1).
set -euo pipefail
cd "$(dirname "$0")/.."
build=experiments/out/map-elites-build
out=experiments/out/map-elites/default
mkdir -p "$out"
nice -n 10 dotnet build -c Release src/Portal.Jobs -o "$build" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
cmd=(nice -n 10 dotnet "$build/Portal.Jobs.dll" map-elites --candidates "${CANDIDATES:-128000}" --batch "${BATCH:-1000}"
  --seed "${SEED:-1}" --shards "${SHARDS:-1}" --holdout-episodes "${HOLDOUT:-4000}" --json "$out/summary.json")
echo "${cmd[*]}" > "$out/command.txt"
{ echo "started $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "other processes at start (top CPU):"; ps -eo pcpu,comm --sort=-pcpu | head -8; } > "$out/machine.txt"
"${cmd[@]}" | tee "$out/log.txt"
echo "finished $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
