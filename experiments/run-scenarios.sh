#!/usr/bin/env bash
# Simulator worlds (portal scenarios, risk-neutral reward): Obizhaeva–Wang block book (known optimum), stochastic
# liquidity (OU + shocks, liquidity-scaled impact) and transient impact with stochastic volume. Each agent over 5 seeds,
# evaluated on 10,000 unseen episodes beside TWAP (and the known optimum where there is one), common random numbers.
# Usage: experiments/run-scenarios.sh [agent ...]   (default: ppo dqn sac)
set -euo pipefail
cd "$(dirname "$0")/.."
agents=("${@:-ppo dqn sac}")
read -r -a agents <<< "${agents[*]}"
dotnet build -c Release experiments/AgentsCli -v q -nologo
cli=(dotnet experiments/AgentsCli/bin/Release/net10.0/AgentsCli.dll)
declare -A steps=([ppo]=400000 [dqn]=200000 [sac]=100000 [qlearning]=2000000)
for scenario in ow-block-book stochastic-liquidity transient-stochastic-volume; do
  for agent in "${agents[@]}"; do
    out="experiments/out/${scenario}/${agent}"
    mkdir -p "$out"
    echo "== ${scenario} ${agent} $(date -u +%FT%TZ) $(nproc) cores"
    "${cli[@]}" train --agent "$agent" --scenario "experiments/scenarios/${scenario}.json" --lambda 0 \
      --seeds 5 --first-seed 1 --steps "${steps[$agent]}" --eval-episodes 10000 --eval-seed 1 --out "$out" \
      | tee "$out/log.txt" | grep -v '^  seed'
  done
done
