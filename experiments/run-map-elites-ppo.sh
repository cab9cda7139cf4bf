#!/usr/bin/env bash
# The MAP-Elites archive of experiments/run-map-elites.sh against a generalist PPO: PPO trained with the `train` verb on
# the MAP-Elites base scenario's niche mixture (`--niches 3x3`: every batch's paths dealt evenly over the 9 volatility ×
# liquidity niche variants the search evaluates its candidates on), one agent per training seed, then every agent run
# on the very same held-out episodes as the archive's specialists, generalist, router and TWAP (`map-elites --archive
# --agents`; the held-out paths derive from the archive's seed, common random numbers). Per niche: specialist − PPO and
# router − PPO with 95% paired intervals over episodes per seed, their mean over seeds with a t interval over seeds, and
# the relative gains set beside the published +10.3% / −30.2% / −2.4%.
# Writes experiments/out/map-elites/default/ppo/{summary.json,command.txt,machine.txt} (the comparison) and
# experiments/out/map-elites/default/ppo-train/{summary.json,command.txt} (the training); experiments/report.sh splices
# them into the MAP-Elites sections of docs/results.md (`experiments/report.sh "" "" --only map-elites`).
# Budget: finishes in about 20 minutes at nice 10 on a loaded 2-core machine.
# Environment: SEEDS (default 3), STEPS (decisions per seed, 250000), HOLDOUT (held-out episodes per niche, 4000: the
# archive's own comparison), EVAL (train's own evaluation episodes on the mixture, 1024), JOBS_DLL (skip the build and
# use this Portal.Jobs.dll).
set -euo pipefail
cd "$(dirname "$0")/.."
archive=experiments/out/map-elites/default
train=$archive/ppo-train
out=$archive/ppo
mkdir -p "$train" "$out"
dll=${JOBS_DLL:-}
if [[ -z "$dll" ]]; then
  build=experiments/out/map-elites-build
  nice -n 10 dotnet build -c Release src/Portal.Jobs -o "$build" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
  dll="$build/Portal.Jobs.dll"
fi
{ echo "started $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "other processes at start (top CPU):"; ps -eo pcpu,comm --sort=-pcpu | head -8; } > "$out/machine.txt"
seeds=${SEEDS:-3}
tcmd=(nice -n 10 dotnet "$dll" train --agent ppo --scenario experiments/scenarios/map-elites-base.json --niches 3x3
  --seeds "$seeds" --steps "${STEPS:-250000}" --eval-episodes "${EVAL:-1024}" --out "$train")
echo "${tcmd[*]}" > "$train/command.txt"
"${tcmd[@]}" | tee "$train/log.txt"
agents=$(seq -s, -f "$train/ppo-seed-%g" 1 "$seeds")
ccmd=(nice -n 10 dotnet "$dll" map-elites --archive "$archive/summary.json" --agents "$agents"
  --holdout-episodes "${HOLDOUT:-4000}" --json "$out/summary.json")
echo "${ccmd[*]}" > "$out/command.txt"
"${ccmd[@]}" | tee "$out/log.txt"
echo "finished $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
