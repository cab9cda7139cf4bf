#!/usr/bin/env bash
# Rewrites tests/Portal.Domain.Tests/Backtesting/PinnedStatistics.json: every scenario in examples/scenarios is run at its
# seed and each strategy's mean, std and p95 cost (bps) is pinned. Commit the file in the same commit as the change that
# moved the numbers, and say why in its message. Usage: scripts/pin-statistics.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build tests/Portal.Domain.Tests -c Release -nologo -v:q -clp:ErrorsOnly
EXECUTIONLAB_UPDATE_PINS=1 dotnet test tests/Portal.Domain.Tests -c Release --no-build --filter "FullyQualifiedName~PinnedStatisticsTests"
git --no-pager diff --stat -- tests/Portal.Domain.Tests/Backtesting/PinnedStatistics.json
