#!/usr/bin/env bash
# The regime router validated on replayed data: the MAP-Elites archive of experiments/run-map-elites.sh (its specialists,
# generalist and router, `backtest --archive`) and the generalist PPO seeds of experiments/run-map-elites-ppo.sh
# (`--agent`), beside TWAP, the best static schedule and online re-optimisation, on the MAP-Elites base scenario
# (2% ADV sell over one hour in 20 steps) replayed on the LOBSTER AMZN day (2012-06-21, level 5; /work/shared/data,
# SOURCES.md) with the `backtest --dataset` verb. Replayed episodes that share a market window are not independent:
# every interval is over the day's independent one-hour windows, whose count is stated (fewer than 20: a warning).
# Writes experiments/out/map-elites/default/replay/{summary.json,command.txt,lobster.txt}; experiments/report.sh adds the
# table to the MAP-Elites router section of docs/results.md.
# Usage: [JOBS_DLL=Portal.Jobs.dll] experiments/run-map-elites-replay.sh [DATA_DIR]   (default: $EXECUTIONLAB_DATA or /work/shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-${EXECUTIONLAB_DATA:-/work/shared/data}}"
archive=experiments/out/map-elites/default
out=$archive/replay
mkdir -p "$out"
dll=${JOBS_DLL:-}
if [[ -z "$dll" ]]; then
  build=experiments/out/map-elites-build
  nice -n 10 dotnet build -c Release src/Portal.Jobs -o "$build" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
  dll="$build/Portal.Jobs.dll"
fi
# The archive's strategies are named after its file: copy it as default.json (ids elite:default:N, router:default).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$archive/summary.json" "$tmp/default.json"
lobster="$data/AMZN_2012-06-21_34200000_57600000_message_5.csv,$data/AMZN_2012-06-21_34200000_57600000_orderbook_5.csv.gz"
agents=()
for d in "$archive"/ppo-train/ppo-seed-*; do [[ -d "$d" ]] && agents+=(--agent "$d"); done
cmd=(nice -n 10 dotnet "$dll" backtest --scenario experiments/scenarios/map-elites-base.json --dataset "$lobster"
  --archive "$tmp/default.json" "${agents[@]}" --strategies twap best-static reopt --json "$tmp/lobster.json")
echo "${cmd[*]}" | sed "s|$tmp/|<tmp>/|g" > "$out/command.txt"
"${cmd[@]}" > "$out/lobster.txt"
python3 - "$tmp/lobster.json" "$out/summary.json" "$(cat "$out/command.txt")" <<'PY'
import json, sys
src, dst, command = sys.argv[1:4]
r = json.load(open(src))
keep = ["id", "name", "meanCostBps", "meanCiLowBps", "meanCiHighBps", "stdCostBps", "cvar95CostBps", "capBreaches",
        "maxParticipation", "pairedDiffVsTwapBps", "vsBestStaticBps", "vsBestStaticCiLowBps", "vsBestStaticCiHighBps"]
rows = [{k: s.get(k) for k in keep} for s in r["strategies"]]
units = r["independentUnits"]
json.dump({"experiment": "map-elites-replay", "dataset": "LOBSTER AMZN 2012-06-21 level 5", "command": command,
           "episodes": r["episodes"], "independentUnits": units, "unitKind": r["unitKind"],
           "warning": f"only {units} independent windows (fewer than 20): intervals are wide and not a ranking" if units < 20 else None,
           "warnings": r.get("warnings", []), "strategies": rows}, open(dst, "w"), indent=1)
PY
echo "wrote $out/summary.json"
