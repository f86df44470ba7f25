#!/bin/sh
# Personalizes the template for each recipient of the audience: personalized.csv (email,body).
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
need audience.csv apply_suppression
need template.txt load_template
: > "$dir/personalized.csv"
while IFS=, read -r email segment name; do
  printf '%s,%s\n' "$email" "$(sed "s/{name}/$name/g" "$dir/template.txt")" >> "$dir/personalized.csv"
done < "$dir/audience.csv"
printf '{"personalized":%s,"audience":%s}\n' "$(count "$dir/personalized.csv")" "$(count "$dir/audience.csv")"
