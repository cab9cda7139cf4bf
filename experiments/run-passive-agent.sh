#!/usr/bin/env bash
# An agent trained with the (size, aggressiveness) action: tabular Q-learning with `train --order-types market-limit` on
# examples/scenarios/passive-vs-aggressive.json over SEEDS seeds (default 3), each evaluated by the train verb on its own
# 10,000 evaluation paths (paired with TWAP and the best static schedule), then every seed's policy in one backtest beside
# TWAP, passive TWAP, Random and the best static schedule on the scenario's paths (common random numbers), on the simulated
# market and replayed on the LOBSTER AMZN day. Writes experiments/out/passive-agent/summary.json, which the report verb
# splices into the "Limit or market orders" section of docs/results.md (experiments/report.sh --only passive-agent).
# About 5 minutes of one core after the build.
# Usage: [PASSIVE_JOBS_BUILD=DIR] [SEEDS=3] [STEPS=6000000] experiments/run-passive-agent.sh [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-${EXECUTIONLAB_DATA:-/work/shared/data}}"
out=experiments/out/passive-agent
build="${PASSIVE_JOBS_BUILD:-experiments/out/passive-agent-build}"
seeds="${SEEDS:-3}"
steps="${STEPS:-6000000}"
mkdir -p "$out"
[ -n "${PASSIVE_JOBS_BUILD:-}" ] || dotnet build -c Release src/Portal.Jobs -o "$build" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
scenario=examples/scenarios/passive-vs-aggressive.json
lobster="$data/AMZN_2012-06-21_34200000_57600000_message_5.csv,$data/AMZN_2012-06-21_34200000_57600000_orderbook_5.csv.gz"
train_cmd=(dotnet "$build/Portal.Jobs.dll" train --agent qlearning --order-types market-limit --scenario "$scenario"
  --seeds "$seeds" --first-seed 1 --steps "$steps" --eval-episodes 10000 --eval-seed 1 --out "$out/train")
"${train_cmd[@]}" > "$out/train.txt"
agents=()
for s in $(seq 1 "$seeds"); do agents+=(--agent "$out/train/qlearning-seed-$s"); done
sim_cmd=(dotnet "$build/Portal.Jobs.dll" backtest --scenario "$scenario" --strategies twap twap-passive random "${agents[@]}" --json "$out/simulated.json")
replay_cmd=(dotnet "$build/Portal.Jobs.dll" backtest --scenario "$scenario" --dataset "$lobster" --strategies twap twap-passive random "${agents[@]}" --json "$out/lobster.json")
"${sim_cmd[@]}" > "$out/simulated.txt"
"${replay_cmd[@]}" > "$out/lobster.txt"
python3 - "$out" "${train_cmd[*]}" "${sim_cmd[*]}" "${replay_cmd[*]}" "$(git rev-parse --short HEAD)" <<'PY'
import json, sys
out, train_cmd, sim_cmd, replay_cmd, commit = sys.argv[1:6]
t = json.load(open(f"{out}/train/summary.json"))
def paired(p):
    return None if p is None else {k: p.get(k) for k in ("meanBps", "ciLowBps", "ciHighBps", "independentUnits", "unitKind")}
seeds = [{"seed": a["seed"], "meanShortfallBps": a["evaluation"]["meanShortfallBps"], "meanObjectiveBps": a["evaluation"]["meanObjectiveBps"],
          "episodes": a["evaluation"]["episodes"], "vsTwap": paired(a["evaluation"]["vsTwap"]), "vsBestStatic": paired(a["evaluation"].get("vsBestStatic")),
          "trainingSeconds": a["evaluation"]["trainingSeconds"]} for a in t["agents"]]
keep = ["id", "name", "meanCostBps", "meanCiLowBps", "meanCiHighBps", "fillRate", "passiveShare", "postedFillRatio",
        "crossedOnExpiryShare", "spreadCapturedBps", "markoutBps", "vsBestStaticBps", "vsBestStaticCiLowBps", "vsBestStaticCiHighBps"]
runs = []
for name, cmd in (("simulated", sim_cmd), ("lobster", replay_cmd)):
    r = json.load(open(f"{out}/{name}.json"))
    strategies = []
    passive = next((s["meanCostBps"] for s in r["strategies"] if s["id"] == "twap-passive"), None)
    for s in r["strategies"]:
        row = {k: s.get(k) for k in keep}
        row["pairedDiffVsTwapBps"] = s.get("pairedDiffVsTwapBps")
        row["minusPassiveTwapBps"] = None if passive is None else s["meanCostBps"] - passive
        strategies.append(row)
    runs.append({"market": name, "command": cmd, "episodes": r["episodes"], "independentUnits": r["independentUnits"],
                 "unitKind": r["unitKind"], "strategies": strategies})
json.dump({"experiment": "passive-agent", "commit": commit, "trainCommand": train_cmd, "steps": t["environmentSteps"],
           "objective": t.get("objective"), "evaluation": t.get("evaluationPaths"), "seeds": seeds,
           "acrossSeeds": {"vsTwap": t["summary"].get("vsTwapAcrossSeeds"), "vsBestStatic": t["summary"].get("vsBestStaticAcrossSeeds")},
           "runs": runs}, open(f"{out}/summary.json", "w"), indent=1)
PY
echo "wrote $out/summary.json (docs/results.md: experiments/report.sh --only passive-agent)"
