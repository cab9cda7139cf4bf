#!/usr/bin/env bash
# Almgren–Chriss world, risk-neutral and risk-averse (λ = 3e-6 per $): every agent over 5 seeds, evaluated on 10,000
# episodes of its own beside TWAP, the best static schedule and the closed-form optimum (common random numbers). The seed paper's set-up has its own
# script (run-seed-paper.sh) with a larger budget.
# Usage: experiments/run-almgren-chriss.sh [agent ...]   (default: ppo dqn sac qlearning)
set -euo pipefail
cd "$(dirname "$0")/.."
source experiments/train-worlds.sh
train_worlds experiments/AgentsCli/bin/Release/net10.0 "" "ac-desk-risk-neutral ac-desk-risk-averse" "${*:-ppo dqn sac qlearning}" \
  ppo=400000 dqn=200000 sac=100000 qlearning=2000000
