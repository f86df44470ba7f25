#!/bin/sh
# Fetches the subscriber list (simulated: a fixed sample) into subscribers.csv (email,segment,name).
set -eu
. "$(dirname "$0")/campaign_lib.sh"
campaign_dir
cat > "$dir/subscribers.csv" <<'CSV'
ana@example.com,customers,Ana
ben@example.com,customers,Ben
cleo@example.com,trial,Cleo
dan@example,customers,Dan
eve@example.com,customers,Eve
finn@example.com,trial,Finn
gus@example.com,customers,Gus
bounce@example.com,customers,Bo
hal@example.com,customers,Hal
ida@example.com,partners,Ida
CSV
printf '{"fetched":%s}\n' "$(count "$dir/subscribers.csv")"
