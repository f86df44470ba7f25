#!/bin/sh
# Loads the campaign's template (simulated: one fixed template) into template.txt.
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
printf 'Hello {name}, the %s news is here.\n' "$PARAM_CAMPAIGN" > "$dir/template.txt"
printf '{"template":"%s","placeholders":"name"}\n' "$PARAM_CAMPAIGN"
