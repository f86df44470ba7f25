#!/bin/sh
# Deploys a tested version of a service to staging (simulated).
set -eu
. "$(dirname "$0")/release_lib.sh"
require_service
require_version
log_release deploy_to_staging staging "$PARAM_VERSION"
printf '{"deployed":true,"service":"%s","env":"staging","version":"%s"}\n' "$PARAM_SERVICE" "$PARAM_VERSION"
