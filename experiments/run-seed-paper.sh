#!/usr/bin/env bash
# The seed paper's set-up in the Almgren–Chriss world (scenarios/ac-seed-paper.json, units in README.md): every agent
# over 5 seeds, evaluated on 10,000 unseen episodes beside TWAP and the closed-form optimum (common random numbers).
# Twenty decisions per episode and a 9% price sd over the horizon need four times the desk order's budget.
# Usage: experiments/run-seed-paper.sh [agent ...]   (default: ppo dqn sac qlearning)
set -euo pipefail
cd "$(dirname "$0")/.."
agents=("${@:-ppo dqn sac qlearning}")
read -r -a agents <<< "${agents[*]}"
# Its own build folder, so it can run while the other scripts rebuild theirs.
dotnet build -c Release experiments/AgentsCli -o experiments/AgentsCli/bin/seed-paper -v q -nologo
cli=(dotnet experiments/AgentsCli/bin/seed-paper/AgentsCli.dll)
declare -A steps=([ppo]=1600000 [dqn]=800000 [sac]=400000 [qlearning]=8000000)
scenario=ac-seed-paper
for agent in "${agents[@]}"; do
  out="experiments/out/${scenario}/${agent}"
  mkdir -p "$out"
  echo "== ${scenario} ${agent} $(date -u +%FT%TZ) $(nproc) cores"
  "${cli[@]}" train --agent "$agent" --scenario "experiments/scenarios/${scenario}.json" \
    --seeds 5 --first-seed 1 --steps "${steps[$agent]}" --eval-episodes 10000 --eval-seed 1 --out "$out" \
    | tee "$out/log.txt" | grep -v '^  seed'
done
