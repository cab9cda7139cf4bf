#!/usr/bin/env bash
# The published offline-RL set-up, literally: X₀ = 1000, T = 20 periods, σ = 2%, η = 0.01, γ = 0.001, λ = 0.5
# (scenarios/ac-seed-paper.json; units in README.md), offline data of 1,000 TWAP episodes, 10,000 gradient updates with
# batch 256, 100 evaluation episodes. A deterministic TWAP logs a single action per state, so the same set-up also runs
# on 1,000 noisy-TWAP episodes. BCQ and TD3+BC learn from the very same file per data set (logged once with seed 1's
# training stream); every seed is evaluated on 100 episodes of its own beside its behaviour policy, TWAP, the best static
# schedule and the closed-form optimum on the same paths (common random numbers). TD3+BC runs twice: with its default action
# (the child relative to TWAP's, log scale) and, as td3bc-fraction, with the former fraction-of-remainder action
# (experiments/hyper/td3bc-fraction.json), under which α = 2.5 collapses. docs/offline-rl.md discusses the results;
# the report verb (experiments/report.sh) writes their section of docs/results.md.
# Usage: experiments/run-offline-rl.sh [twap] [noisy-twap]   (default both)
# Environment: SEEDS (default 3), EVAL (default 100), AGENTS (default "bcq td3bc td3bc-fraction"; the first one logs the data), EXPERIMENTS_PREBUILT=1 runs the existing build (two data sets can
# then run side by side).
set -euo pipefail
cd "$(dirname "$0")/.."
build=experiments/AgentsCli/bin/offline-rl
out_root=experiments/out/offline-rl
[[ -n "${EXPERIMENTS_PREBUILT:-}" ]] || nice -n 10 dotnet build -c Release experiments/AgentsCli -o "$build" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
for data in ${*:-twap noisy-twap}; do
  dataset=""
  for agent in ${AGENTS:-bcq td3bc td3bc-fraction}; do
    out="$out_root/$data/$agent"
    mkdir -p "$out"
    source_args=(--behaviour "$data" --logged-episodes 1000)
    [[ -n "$dataset" ]] && source_args=(--offline-dataset "$dataset")
    algorithm_args=(--agent "$agent")
    [[ "$agent" == td3bc-fraction ]] && algorithm_args=(--agent td3bc --hyper experiments/hyper/td3bc-fraction.json)
    cmd=(nice -n 10 dotnet "$build/AgentsCli.dll" train "${algorithm_args[@]}" --scenario experiments/scenarios/ac-seed-paper.json
      "${source_args[@]}" --seeds "${SEEDS:-3}" --first-seed 1 --steps 10000 --eval-episodes "${EVAL:-100}" --eval-seed 1 --out "$out")
    echo "${cmd[*]}" > "$out/command.txt"
    echo "== $data $agent $(date -u +%FT%TZ)"
    "${cmd[@]}" 2>&1 | tee "$out/log.txt" | grep -v '^  seed'
    dataset="$out/offline-dataset.elxoff"
  done
done

# Proceeds of the sale (X₀S₀ = 100,000 at S₀ = 100) beside the shortfall, and the closed-form expectations.
python3 experiments/offline-rl-table.py "$out_root"
