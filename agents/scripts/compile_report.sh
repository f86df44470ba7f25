#!/bin/sh
# Writes the campaign report (report.txt) from the numbers the earlier agents handed over.
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
for n in "${PARAM_AUDIENCE:-}" "${PARAM_SENT:-}" "${PARAM_DELIVERED:-}" "${PARAM_BOUNCED:-}"; do
  case "$n" in "" | *[!0-9]*) fail "audience, sent, delivered and bounced must be whole numbers" ;; esac
done
text="Campaign $PARAM_CAMPAIGN: audience $PARAM_AUDIENCE, sent $PARAM_SENT, delivered $PARAM_DELIVERED, bounced $PARAM_BOUNCED."
printf '%s\n' "$text" > "$dir/report.txt"
printf '{"report":"%s"}\n' "$text"
