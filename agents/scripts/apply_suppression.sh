#!/bin/sh
# Removes unsubscribed and bounced addresses (suppression.txt, shared by all campaigns): audience.csv is who gets mail.
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
need valid.csv validate_emails
suppression="$CHATAGENT_DATA_DIR/campaigns/suppression.txt"
[ -f "$suppression" ] || printf 'gus@example.com\n' > "$suppression"
grep -v -F -f "$suppression" "$dir/valid.csv" > "$dir/audience.csv" || true
printf '{"count":%s,"suppressed":%s}\n' "$(count "$dir/audience.csv")" "$(( $(count "$dir/valid.csv") - $(count "$dir/audience.csv") ))"
