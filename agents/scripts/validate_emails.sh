#!/bin/sh
# Drops malformed addresses: valid.csv keeps name@domain.tld only.
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
need segment.csv filter_segment
grep -E '^[^@,]+@[^@,]+\.[a-z]+,' "$dir/segment.csv" > "$dir/valid.csv" || true
printf '{"valid":%s,"invalid":%s}\n' "$(count "$dir/valid.csv")" "$(( $(count "$dir/segment.csv") - $(count "$dir/valid.csv") ))"
