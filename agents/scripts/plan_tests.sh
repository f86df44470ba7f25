#!/bin/sh
# Plans the test run for a release (simulated): which suites to run against staging. Prints {"suites","count"}.
set -eu
. "$(dirname "$0")/release_lib.sh"
require_service
require_version
printf '{"service":"%s","version":"%s","suites":"unit,integration,smoke","count":3}\n' "$PARAM_SERVICE" "$PARAM_VERSION"
