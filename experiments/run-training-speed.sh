#!/usr/bin/env bash
# Training speed in the Almgren–Chriss world: PPO over 5 seeds on the desk order, risk-neutral and risk-averse, with a
# budget of STEPS decisions per seed (default 120,000), each seed evaluated on 10,000 episodes of its own beside TWAP and
# the closed-form optimum (common random numbers). Every seed's regret against the target max(0.5 bps, 1% of the optimum),
# its training wall and processor seconds, and its greedy decisions/s beside the environment's own steps/s land in
# experiments/out/<world>-speed/ppo/summary.json; docs/performance.md quotes them.
# Usage: experiments/run-training-speed.sh            (STEPS=N SEEDS=N to change the budget or the seed count)
set -euo pipefail
cd "$(dirname "$0")/.."
build=experiments/AgentsCli/bin/training-speed
dotnet build -c Release experiments/AgentsCli -o "$build" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
for world in ac-desk-risk-neutral ac-desk-risk-averse; do
  out="experiments/out/${world}-speed/ppo"
  mkdir -p "$out"
  echo "== ${world} ppo $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  cmd=(dotnet "$build/AgentsCli.dll" train --agent ppo --scenario "experiments/scenarios/${world}.json"
    --seeds "${SEEDS:-5}" --first-seed 1 --steps "${STEPS:-120000}" --eval-episodes 10000 --eval-seed 1 --out "$out")
  echo "${cmd[*]}" > "$out/command.txt"
  "${cmd[@]}" 2>&1 | tee "$out/log.txt" | grep -v '^  seed'
done
