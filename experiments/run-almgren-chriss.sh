#!/usr/bin/env bash
# Almgren–Chriss world, risk-neutral and risk-averse (λ = 3e-6 per $): every agent over 5 seeds, evaluated on 10,000
# unseen episodes beside TWAP and the closed-form optimum (common random numbers). The seed paper's set-up has its own
# script (run-seed-paper.sh) with a larger budget.
# Usage: experiments/run-almgren-chriss.sh [agent ...]   (default: ppo dqn sac qlearning)
set -euo pipefail
cd "$(dirname "$0")/.."
agents=("${@:-ppo dqn sac qlearning}")
read -r -a agents <<< "${agents[*]}"
dotnet build -c Release experiments/AgentsCli -v q -nologo
cli=(dotnet experiments/AgentsCli/bin/Release/net10.0/AgentsCli.dll)
declare -A steps=([ppo]=400000 [dqn]=200000 [sac]=100000 [qlearning]=2000000)
for scenario in ac-desk-risk-neutral ac-desk-risk-averse; do
  for agent in "${agents[@]}"; do
    out="experiments/out/${scenario}/${agent}"
    mkdir -p "$out"
    echo "== ${scenario} ${agent} $(date -u +%FT%TZ) $(nproc) cores"
    "${cli[@]}" train --agent "$agent" --scenario "experiments/scenarios/${scenario}.json" \
      --seeds 5 --first-seed 1 --steps "${steps[$agent]}" --eval-episodes 10000 --eval-seed 1 --out "$out" \
      | tee "$out/log.txt" | grep -v '^  seed'
  done
done
