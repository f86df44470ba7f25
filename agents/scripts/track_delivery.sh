#!/bin/sh
# Tracks delivery (simulated): addresses starting with "bounce" bounce, the rest are delivered.
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
need sent.log send_batches
grep '^bounce' "$dir/sent.log" > "$dir/bounced.txt" || true
bounced=$(count "$dir/bounced.txt")
printf '{"delivered":%s,"bounced":%s}\n' "$(( $(count "$dir/sent.log") - bounced ))" "$bounced"
