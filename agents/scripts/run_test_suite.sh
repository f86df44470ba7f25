#!/bin/sh
# Runs the planned suites against staging (simulated) and prints {"passed","failed","suites","version"}.
# A file $CHATAGENT_DATA_DIR/failing-tests-<service> simulates a failing suite. Appends one line to releases.log.
set -eu
. "$(dirname "$0")/release_lib.sh"
require_service
require_version
[ -n "${PARAM_SUITES:-}" ] || fail "suites is required"
[ -n "${CHATAGENT_DATA_DIR:-}" ] || fail "CHATAGENT_DATA_DIR is not set"
passed=true; failed=0
if [ -e "$CHATAGENT_DATA_DIR/failing-tests-$PARAM_SERVICE" ]; then passed=false; failed=2; fi
log_release run_test_suite staging "$PARAM_VERSION"
printf '{"passed":%s,"failed":%s,"suites":"%s","version":"%s"}\n' "$passed" "$failed" "$PARAM_SUITES" "$PARAM_VERSION"
