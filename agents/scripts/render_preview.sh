#!/bin/sh
# Renders the template for a sample recipient into preview.txt.
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
need template.txt load_template
sed 's/{name}/Sample/g' "$dir/template.txt" > "$dir/preview.txt"
printf '{"rendered":true,"chars":%s}\n' "$(wc -c < "$dir/preview.txt" | tr -d ' ')"
