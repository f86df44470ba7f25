#!/bin/sh
# Sends the queue in batches (simulated): sent.log gets one line per address. Idempotent: a resend skips what was sent.
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
need queue.txt queue_emails
size="${PARAM_BATCH_SIZE:-3}"
touch "$dir/sent.log"
grep -v -x -F -f "$dir/sent.log" "$dir/queue.txt" >> "$dir/sent.log" || true
sent=$(count "$dir/sent.log")
queued=$(count "$dir/queue.txt"); all=false; [ "$(grep -c -x -F -f "$dir/queue.txt" "$dir/sent.log" || true)" -eq "$queued" ] && all=true
printf '{"sent":%s,"batches":%s,"queued":%s,"all_sent":%s}\n' "$sent" "$(( (sent + size - 1) / size ))" "$queued" "$all"
