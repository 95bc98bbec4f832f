#!/bin/sh
# One monthly run: collect read-only evidence, report with history, fail the job on a
# regression or when insurance readiness drops under 80 %. Exit codes: 0 done, 1 the run
# failed, 2 bad input, 3 a gate was not met (the report and the history entry are written).
set -eu
: "${EVIDENT_HOME:=/var/lib/evident}"
month=$(date -u +%Y-%m)
evident collect --out "$EVIDENT_HOME/snapshots/$month"
evident report --snapshot "$EVIDENT_HOME/snapshots/$month" \
  --questionnaire cyber-renewal-aws soc2-aws \
  --out "$EVIDENT_HOME/reports/$month" \
  --history "$EVIDENT_HOME/history" \
  --fail-on regression --fail-under insurance=80
