#!/bin/sh
# Adds this campaign's bounces to the shared suppression list so no campaign mails them again.
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
need bounced.txt track_delivery
suppression="$CHATAGENT_DATA_DIR/campaigns/suppression.txt"
touch "$suppression"
added=0
while read -r email; do
  grep -q -x -F "$email" "$suppression" || { printf '%s\n' "$email" >> "$suppression"; added=$((added + 1)); }
done < "$dir/bounced.txt"
printf '{"suppressed_now":%s}\n' "$added"
