#!/usr/bin/env bash
# Passive vs aggressive: examples/scenarios/passive-vs-aggressive.json on the simulated market and replayed on the LOBSTER
# AMZN day (2012-06-21, level 5), with the CLI's backtest verb; writes the result files and a markdown section for
# docs/results.md (experiments/out/passive-vs-aggressive/section.md).
# Usage: experiments/run-passive-vs-aggressive.sh [DATA_DIR]   (default: $EXECUTIONLAB_DATA or /work/shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-${EXECUTIONLAB_DATA:-/work/shared/data}}"
out=experiments/out/passive-vs-aggressive
build=experiments/out/passive-build
mkdir -p "$out"
dotnet build -c Release src/Portal.Jobs -o "$build" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
scenario=examples/scenarios/passive-vs-aggressive.json
lobster="$data/AMZN_2012-06-21_34200000_57600000_message_5.csv,$data/AMZN_2012-06-21_34200000_57600000_orderbook_5.csv.gz"
sim_cmd=(dotnet "$build/Portal.Jobs.dll" backtest --scenario "$scenario" --json "$out/simulated.json")
replay_cmd=(dotnet "$build/Portal.Jobs.dll" backtest --scenario "$scenario" --dataset "$lobster" --json "$out/lobster.json")
"${sim_cmd[@]}" > "$out/simulated.txt"
"${replay_cmd[@]}" > "$out/lobster.txt"
python3 - "$out" "${sim_cmd[*]}" "${replay_cmd[*]}" > "$out/section.md" <<'PY'
import json, sys
out, sim_cmd, replay_cmd = sys.argv[1:4]
def f(v, fmt): return "–" if v is None else format(v, fmt)
print("## Limit or market orders: passive vs aggressive\n")
print("Implementation shortfall in bps of arrival notional (positive = cost) with its 95% interval; fill rate and passive share "
      "are fractions of the parent quantity; spread captured and markouts (positive = adverse selection) are bps of the passive "
      "fills. Simulated: Cartea–Jaimungal–Penalva fill intensity with adverse selection (docs/order-types.md); replayed: queue "
      "position on the recorded LOBSTER book, intervals over independent windows.\n")
for name, cmd in (("simulated", sim_cmd), ("lobster", replay_cmd)):
    r = json.load(open(f"{out}/{name}.json"))
    print(f"### {'Simulated market' if name == 'simulated' else 'Replayed AMZN 2012-06-21 (LOBSTER)'}\n")
    print(f"`{cmd}`: {r['episodes']} episodes, {r['independentUnits']} independent {r['unitKind']}s.\n")
    print("| strategy | mean IS (bps) | 95% CI | vs TWAP | fill rate | passive share | spread captured | markout (step) | markout 1 s | 10 s | 60 s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for s in r["strategies"]:
        p = s["pairedDiffVsTwapBps"]
        print(f"| {s['name']} | {s['meanCostBps']:.2f} | [{s['meanCiLowBps']:.2f}, {s['meanCiHighBps']:.2f}] | "
              f"{p['meanBps']:+.2f} [{p['ciLowBps']:.2f}, {p['ciHighBps']:.2f}] | {s['fillRate']:.1%} | {s['passiveShare']:.1%} | "
              f"{f(s.get('spreadCapturedBps'), '.2f')} | {f(s.get('markoutBps'), '.2f')} | {f(s.get('markout1sBps'), '.2f')} | "
              f"{f(s.get('markout10sBps'), '.2f')} | {f(s.get('markout60sBps'), '.2f')} |")
    print()
PY
echo "wrote $out/section.md"
