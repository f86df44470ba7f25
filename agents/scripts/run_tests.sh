#!/bin/sh
# Runs a service's test suite (simulated) and prints {"passed","tests","version"}.
set -eu
. "$(dirname "$0")/release_lib.sh"
require_service
version="1.4.2"
log_release run_tests - "$version"
printf '{"passed":true,"tests":42,"version":"%s"}\n' "$version"
