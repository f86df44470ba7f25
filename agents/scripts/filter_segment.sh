#!/bin/sh
# Keeps the subscribers of one segment (or all) in segment.csv.
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
need subscribers.csv fetch_subscribers
case "${PARAM_SEGMENT:-}" in "" | *[!a-z0-9-]*) fail "invalid segment '${PARAM_SEGMENT:-}'" ;; esac
if [ "$PARAM_SEGMENT" = all ]; then cp "$dir/subscribers.csv" "$dir/segment.csv"
else grep ",$PARAM_SEGMENT," "$dir/subscribers.csv" > "$dir/segment.csv" || true; fi
printf '{"segment":"%s","count":%s}\n' "$PARAM_SEGMENT" "$(count "$dir/segment.csv")"
