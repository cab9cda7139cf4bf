#!/usr/bin/env bash
# Simulator worlds (portal scenarios, risk-neutral reward): Obizhaeva–Wang block book (known optimum), stochastic
# liquidity (OU + shocks, liquidity-scaled impact) and transient impact with stochastic volume. Each agent over 5 seeds,
# evaluated on 10,000 episodes of its own beside TWAP, the best static schedule and the known optimum where there is one (common random numbers).
# Usage: experiments/run-scenarios.sh [agent ...]   (default: ppo dqn sac)
set -euo pipefail
cd "$(dirname "$0")/.."
source experiments/train-worlds.sh
train_worlds experiments/AgentsCli/bin/Release/net10.0 "--lambda 0" \
  "ow-block-book stochastic-liquidity transient-stochastic-volume" "${*:-ppo dqn sac}" \
  ppo=400000 dqn=200000 sac=100000 qlearning=2000000
