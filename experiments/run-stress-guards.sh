#!/usr/bin/env bash
# Agents vs online re-optimisation, risk-guard effects and the stress table, on experiments/scenarios/stress-guards.json
# (OU liquidity with shocks, liquidity-scaled Almgren–Chriss impact, a circuit breaker on every learned agent):
#   1. trains a Q-learning agent (one seed, short budget) with the train verb;
#   2. backtests it beside TWAP, VWAP, AC, POV, Random, the best static schedule and the online re-optimisation (which
#      every run with an agent compares), with its guarded twin (guarded:agent:…) on the same paths;
#   3. runs the stress verb over every stress variant with the baselines and the re-optimisation;
# and writes experiments/out/stress-guards/{summary.json,section.md}, which experiments/report.sh puts in docs/results.md.
# Usage: experiments/run-stress-guards.sh   (JOBS_BUILD=DIR uses an existing Portal.Jobs build output instead of building)
set -euo pipefail
cd "$(dirname "$0")/.."
out=experiments/out/stress-guards
scenario=experiments/scenarios/stress-guards.json
mkdir -p "$out"
build="${JOBS_BUILD:-experiments/out/stress-guards-build}"
if [[ -z "${JOBS_BUILD:-}" ]]; then
  dotnet build -c Release src/Portal.Jobs -o "$build" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
fi
jobs=(dotnet "$build/Portal.Jobs.dll")
train_cmd=("${jobs[@]}" train --agent qlearning --scenario "$scenario" --seeds 1 --first-seed 1 --steps "${QL_STEPS:-300000}" --eval-episodes 1000 --eval-seed 1 --out "$out/agent/ql")
"${train_cmd[@]}" > "$out/train.txt"
agent=$(ls -d "$out"/agent/ql/qlearning-seed-* | head -1)
backtest_cmd=("${jobs[@]}" backtest --scenario "$scenario" --agent "$agent" --json "$out/agents-vs-reopt.json")
"${backtest_cmd[@]}" > "$out/agents-vs-reopt.txt"
stress_cmd=("${jobs[@]}" stress --scenario "$scenario" --episodes "${STRESS_EPISODES:-2000}" --strategies twap vwap ac pov reopt --json)
"${stress_cmd[@]}" > "$out/stress.json"
python3 - "$out" "${train_cmd[*]}" "${backtest_cmd[*]}" "${stress_cmd[*]}" <<'PY'
import json, sys
out, train_cmd, backtest_cmd, stress_cmd = sys.argv[1:5]
bt = json.load(open(f"{out}/agents-vs-reopt.json"))
st = json.load(open(f"{out}/stress.json"))
byid = {s["id"]: s for s in bt["strategies"]}
agent = next(s for s in bt["strategies"] if s["id"].startswith("agent:"))
reopt = byid["reopt"]
summary = {
    "scenario": bt["scenario"], "episodes": bt["episodes"], "seed": bt["seed"],
    "strategies": [{k: s.get(k) for k in ("id", "name", "meanCostBps", "meanCiLowBps", "meanCiHighBps", "stdCostBps", "costSharpe", "cvar95CostBps", "vsBestStaticBps", "vsBestStaticCiLowBps", "vsBestStaticCiHighBps")} | {"vsTwapBps": s["pairedDiffVsTwapBps"]} for s in bt["strategies"]],
    "guards": bt["guards"],
    "stress": [{"variant": c["coordinates"]["stress"], "best": c["best"], "strategies": c["strategies"]} for c in st["cells"]],
    "commands": {"train": train_cmd, "backtest": backtest_cmd, "stress": stress_cmd},
}
json.dump(summary, open(f"{out}/summary.json", "w"), indent=1)
def ci(lo, hi): return f"[{lo:.2f}, {hi:.2f}]"
w = []
w.append("## Agents vs online re-optimisation, risk guards and stress\n")
w.append("Implementation shortfall in bps of arrival notional (positive = cost); intervals are 95% over the stated number of "
         "independent simulated episodes, paired on common random numbers within a run. Definitions: `docs/guards.md` (online "
         "re-optimisation and the guards) and `docs/stress-reports.md` (the variants).\n")
w.append(f"### Agents vs online re-optimisation\n\n`{backtest_cmd}` ({bt['episodes']} episodes; agent trained by `{train_cmd}`).\n")
w.append("| strategy | mean | 95% CI | std | cost Sharpe | CVaR95 | vs TWAP [95% CI] | vs best static [95% CI] |")
w.append("|---|---|---|---|---|---|---|---|")
for s in bt["strategies"]:
    p = s["pairedDiffVsTwapBps"]
    vb = "–" if s.get("vsBestStaticBps") is None else f"{s['vsBestStaticBps']:+.2f} {ci(s['vsBestStaticCiLowBps'], s['vsBestStaticCiHighBps'])}"
    sh = "–" if s.get("costSharpe") is None else f"{s['costSharpe']:.3f}"
    w.append(f"| {s['name']} | {s['meanCostBps']:.2f} | {ci(s['meanCiLowBps'], s['meanCiHighBps'])} | {s['stdCostBps']:.2f} | {sh} | {s['cvar95CostBps']:.2f} | {p['meanBps']:+.2f} {ci(p['ciLowBps'], p['ciHighBps'])} | {vb} |")
ag = {e["id"]: e for e in (agent,)}
w.append("")
w.append(f"The agent's mean cost minus the re-optimisation's: {agent['meanCostBps'] - reopt['meanCostBps']:+.2f} bps (unpaired difference of the two rows; both rows are paired against TWAP and the best static schedule above).\n")
w.append("### Risk guards\n")
w.append("Each guarded strategy ran beside its unguarded self on the same paths; guarded − unguarded, negative = the guard saved.\n")
w.append("| guarded strategy | guarded − unguarded (bps) | 95% CI | guard | episodes fired | episode-steps fired |")
w.append("|---|---|---|---|---|---|")
for g in bt["guards"]:
    for f in g["firings"]:
        w.append(f"| {g['id']} | {g['guardedMinusUnguardedBps']:+.3f} | {ci(g['ciLowBps'], g['ciHighBps'])} | {f['guard']} | {f['episodesFired']} of {g['episodes']} | {f['stepsFired']} of {f['decisions']} |")
w.append("")
w.append(f"### Stress table\n\n`{stress_cmd}`: every variant on the scenario's seed, {st['cells'][0]['strategies'][0]['episodes']} episodes each. Best = lowest mean; significant when its paired 95% interval against TWAP excludes 0.\n")
w.append("| variant | strategy | mean | 95% CI | std | cost Sharpe | CVaR95 | vs TWAP [95% CI] |")
w.append("|---|---|---|---|---|---|---|---|")
for c in st["cells"]:
    for s in c["strategies"]:
        vt = "–" if s.get("vsTwapBps") is None else f"{s['vsTwapBps']:+.2f} {ci(s['vsTwapCiLowBps'], s['vsTwapCiHighBps'])}"
        sh = "–" if s.get("costSharpe") is None else f"{s['costSharpe']:.3f}"
        w.append(f"| {c['coordinates']['stress']} | {s['id']} | {s['meanCostBps']:.2f} | {ci(s['meanCiLowBps'], s['meanCiHighBps'])} | {s['stdBps']:.2f} | {sh} | {s['cvar95Bps']:.2f} | {vt} |")
w.append("")
w.append("| variant | best | significant vs TWAP | clear of runner-up |")
w.append("|---|---|---|---|")
for c in st["cells"]:
    b = c["best"]
    w.append(f"| {c['coordinates']['stress']} | {b['id']} | {'yes' if b['significantVsTwap'] else 'no'} | {'yes' if b['clearOfRunnerUp'] else 'no'} |")
open(f"{out}/section.md", "w").write("\n".join(w) + "\n")
PY
echo "wrote $out/summary.json and $out/section.md"
