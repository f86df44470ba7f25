#!/bin/sh
# Deploys a tested version of a service to production (simulated). Runs only after an approval.
set -eu
. "$(dirname "$0")/release_lib.sh"
require_service
require_version
log_release deploy_to_production production "$PARAM_VERSION"
printf '{"deployed":true,"service":"%s","env":"production","version":"%s"}\n' "$PARAM_SERVICE" "$PARAM_VERSION"
