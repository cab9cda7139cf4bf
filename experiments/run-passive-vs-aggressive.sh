#!/usr/bin/env bash
# Passive vs aggressive: examples/scenarios/passive-vs-aggressive.json on the simulated market and replayed on the LOBSTER
# AMZN day (2012-06-21, level 5), with the CLI's backtest verb; writes the result files and a markdown section for
# docs/results.md (experiments/out/passive-vs-aggressive/summary.json, which the report verb renders).
# Usage: [PASSIVE_JOBS_BUILD=DIR] experiments/run-passive-vs-aggressive.sh [DATA_DIR]   (default: $EXECUTIONLAB_DATA or /work/shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-${EXECUTIONLAB_DATA:-/work/shared/data}}"
out=experiments/out/passive-vs-aggressive
build="${PASSIVE_JOBS_BUILD:-experiments/out/passive-build}"
mkdir -p "$out"
# PASSIVE_JOBS_BUILD=DIR uses a Portal.Jobs build already made from this tree instead of building one.
[ -n "${PASSIVE_JOBS_BUILD:-}" ] || dotnet build -c Release src/Portal.Jobs -o "$build" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
scenario=examples/scenarios/passive-vs-aggressive.json
lobster="$data/AMZN_2012-06-21_34200000_57600000_message_5.csv,$data/AMZN_2012-06-21_34200000_57600000_orderbook_5.csv.gz"
sim_cmd=(dotnet "$build/Portal.Jobs.dll" backtest --scenario "$scenario" --json "$out/simulated.json")
replay_cmd=(dotnet "$build/Portal.Jobs.dll" backtest --scenario "$scenario" --dataset "$lobster" --json "$out/lobster.json")
"${sim_cmd[@]}" > "$out/simulated.txt"
"${replay_cmd[@]}" > "$out/lobster.txt"
python3 - "$out" "${sim_cmd[*]}" "${replay_cmd[*]}" "$(git rev-parse --short HEAD)" <<'PY'
import json, sys
out, sim_cmd, replay_cmd, commit = sys.argv[1:5]
keep = ["id", "name", "meanCostBps", "meanCiLowBps", "meanCiHighBps", "fillRate", "passiveShare", "postedFillRatio",
        "crossedOnExpiryShare", "spreadCapturedBps", "markoutBps", "markout1sBps", "markout10sBps", "markout60sBps", "opportunityCostBps"]
runs = []
for name, cmd in (("simulated", sim_cmd), ("lobster", replay_cmd)):
    r = json.load(open(f"{out}/{name}.json"))
    strategies = []
    for s in r["strategies"]:
        row = {k: s.get(k) for k in keep}
        row["pairedDiffVsTwapBps"] = s.get("pairedDiffVsTwapBps")
        strategies.append(row)
    runs.append({"market": name, "command": cmd, "episodes": r["episodes"], "independentUnits": r["independentUnits"],
                 "unitKind": r["unitKind"], "strategies": strategies})
json.dump({"experiment": "passive-vs-aggressive", "commit": commit, "runs": runs}, open(f"{out}/summary.json", "w"), indent=1)
PY
echo "wrote $out/summary.json (docs/results.md: experiments/report.sh)"
