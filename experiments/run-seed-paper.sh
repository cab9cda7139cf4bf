#!/usr/bin/env bash
# The seed paper's set-up in the Almgren–Chriss world (scenarios/ac-seed-paper.json, units in README.md): every agent
# over 5 seeds, evaluated on 10,000 episodes of its own beside TWAP, the best static schedule and the closed-form optimum (common random numbers).
# Twenty decisions per episode and a 9% price sd over the horizon need four times the desk order's budget.
# Usage: experiments/run-seed-paper.sh [agent ...]   (default: ppo dqn sac qlearning)
set -euo pipefail
cd "$(dirname "$0")/.."
source experiments/train-worlds.sh
# Its own build folder, so it can run while the other scripts rebuild theirs.
train_worlds experiments/AgentsCli/bin/seed-paper "" "ac-seed-paper" "${*:-ppo dqn sac qlearning}" \
  ppo=1600000 dqn=800000 sac=400000 qlearning=8000000
