#!/bin/sh
# Queues the personalized emails: queue.txt (one address a line).
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
need personalized.csv personalize
cut -d, -f1 "$dir/personalized.csv" > "$dir/queue.txt"
printf '{"queued":%s}\n' "$(count "$dir/queue.txt")"
