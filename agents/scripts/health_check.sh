#!/bin/sh
# Checks what a service runs in an environment (simulated): the version of the last deploy of it there, read from
# $CHATAGENT_DATA_DIR/releases.log. Healthy when that is PARAM_VERSION. A file $CHATAGENT_DATA_DIR/unhealthy-<service>-<env>
# simulates a failing service (the deploy "worked" but the service does not answer). Prints
# {"healthy","service","env","expected","running"}; exits 0 either way, so the check's `expect` decides.
set -eu
. "$(dirname "$0")/release_lib.sh"
require_service
require_version
case "${PARAM_ENV:-}" in staging | production) ;; *) fail "invalid env '${PARAM_ENV:-}': use staging or production" ;; esac
[ -n "${CHATAGENT_DATA_DIR:-}" ] || fail "CHATAGENT_DATA_DIR is not set"
log="$CHATAGENT_DATA_DIR/releases.log"
running=""
if [ -f "$log" ]; then
  running=$(grep " tool=deploy_to_$PARAM_ENV service=$PARAM_SERVICE env=$PARAM_ENV " "$log" | tail -n 1 | sed -n 's/.* version=\([0-9.]*\) .*/\1/p')
fi
healthy=false
if [ "$running" = "$PARAM_VERSION" ] && [ ! -e "$CHATAGENT_DATA_DIR/unhealthy-$PARAM_SERVICE-$PARAM_ENV" ]; then healthy=true; fi
printf '{"healthy":%s,"service":"%s","env":"%s","expected":"%s","running":"%s"}\n' "$healthy" "$PARAM_SERVICE" "$PARAM_ENV" "$PARAM_VERSION" "$running"
