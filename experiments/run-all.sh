#!/usr/bin/env bash
# Every agent experiment, one process at a time, then docs/results.md: the Almgren–Chriss desk worlds (5 seeds), the
# simulator worlds (5 seeds) and the seed paper's set-up (3 seeds, at four times the desk budget), with the budgets of
# run-almgren-chriss.sh, run-scenarios.sh and run-seed-paper.sh. The runner is built once, from a snapshot of the
# committed tree (git archive HEAD, so uncommitted edits never leak in and the recorded commit is what ran), into
# experiments/out/build, a copy of its own: editing or rebuilding the sources meanwhile cannot change a running experiment.
# Usage: nohup experiments/run-all.sh > experiments/out/run-all.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p experiments/out
build=experiments/out/build
snapshot=experiments/out/src
rm -rf "$snapshot" "$build"
mkdir -p "$snapshot"
git archive HEAD | tar -x -C "$snapshot"
dotnet build -c Release "$snapshot/experiments/AgentsCli" -o "$build" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
# What the report states about the run: the code, the machine and the start time.
{
  echo "commit=$(git rev-parse --short HEAD)"
  echo "started=$(date -u +%FT%TZ)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores)"
  echo "memory=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "dotnet=$(dotnet --version)"
} > experiments/out/run-all.env
export EXPERIMENTS_PREBUILT=1
# shellcheck source=experiments/train-worlds.sh
source experiments/train-worlds.sh
SEEDS=5 train_worlds "$build" "" "ac-desk-risk-neutral ac-desk-risk-averse" "ppo dqn sac qlearning" \
  ppo=400000 dqn=200000 sac=100000 qlearning=2000000
SEEDS=5 train_worlds "$build" "--lambda 0" "ow-block-book stochastic-liquidity transient-stochastic-volume" "ppo dqn sac" \
  ppo=400000 dqn=200000 sac=100000 qlearning=2000000
SEEDS=3 train_worlds "$build" "" "ac-seed-paper" "ppo dqn sac qlearning" \
  ppo=1600000 dqn=800000 sac=400000 qlearning=8000000
experiments/run-passive-vs-aggressive.sh
echo "finished=$(date -u +%FT%TZ)" >> experiments/out/run-all.env
experiments/report.sh
