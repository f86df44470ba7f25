#!/bin/sh
# Checks the template: not empty, and every placeholder is one we can fill ({name}).
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
need template.txt load_template
unknown=$(grep -o '{[a-z_]*}' "$dir/template.txt" | grep -v -x '{name}' | wc -l | tr -d ' ')
ok=true; [ "$unknown" -eq 0 ] && [ -s "$dir/template.txt" ] || ok=false
printf '{"ok":%s,"unknown_placeholders":%s}\n' "$ok" "$unknown"
