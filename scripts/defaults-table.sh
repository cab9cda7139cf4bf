#!/usr/bin/env bash
# Regenerates the "Costs at the defaults" table of docs/impact-models.md: every impact model at its default parameters,
# TWAP / Immediate / best static schedule impact cost (bps) at 1%, 5% and 10% ADV over 5 min, 30 min, 1 h and 1 day, on
# the demo market. The same test asserts that Immediate costs more than TWAP in every cell and that TWAP's cost rises
# with size and with urgency; it fails (and the table is not replaced) if any cell breaks that.
# Usage: scripts/defaults-table.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet build tests/Portal.Domain.Tests -c Release -nologo -v:q -clp:ErrorsOnly
EXECUTIONLAB_DEFAULTS_TABLE="$out" dotnet test tests/Portal.Domain.Tests -c Release --no-build \
  --filter "FullyQualifiedName~ImpactDefaultsTests.Defaults_give_sane_costs_at_every_size_and_horizon"
{
  echo "| model | % ADV | 5 min | 30 min | 1 h | 1 day |"
  echo "|---|---|---|---|---|---|"
  for model in power-law square-root transient almgren-chriss obizhaeva-wang; do cat "$out/$model.md"; done
} > "$out/table.md"
python3 - "$out/table.md" docs/impact-models.md <<'PY'
import sys
table, doc = open(sys.argv[1]).read(), sys.argv[2]
text = open(doc).read()
begin, end = "<!-- defaults-table:begin -->\n", "<!-- defaults-table:end -->"
i, j = text.index(begin) + len(begin), text.index(end)
open(doc, "w").write(text[:i] + table + text[j:])
PY
git --no-pager diff --stat -- docs/impact-models.md
