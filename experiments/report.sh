#!/usr/bin/env bash
# Regenerates docs/results.md from experiments/out/*/*/summary.json (and run-all.env, command.txt) with the report verb
# of experiments/AgentsCli, built into a folder of its own so a run still going keeps its assemblies.
# Usage: experiments/report.sh [RUNS_DIR [OUTPUT.md [--only passive-vs-aggressive]]]   (defaults: experiments/out docs/results.md)
# --only passive-vs-aggressive rewrites that section of OUTPUT.md in place from its summary.json, leaving the others.
set -euo pipefail
cd "$(dirname "$0")/.."
build=experiments/out/report-build
dotnet build -c Release experiments/AgentsCli -o "$build" -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=false -v q -nologo
dotnet "$build/AgentsCli.dll" report --runs "${1:-experiments/out}" --output "${2:-docs/results.md}" "${@:3}"
