#!/bin/sh
# Tells the team something (simulated): appends one flattened line to $CHATAGENT_DATA_DIR/notifications.log.
set -eu
fail() { echo "$*" >&2; exit 2; }
[ -n "${PARAM_TEXT:-}" ] || fail "text is required"
[ -n "${CHATAGENT_DATA_DIR:-}" ] || fail "CHATAGENT_DATA_DIR is not set"
mkdir -p "$CHATAGENT_DATA_DIR"
printf '%s call=%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${CHATAGENT_TOOL_CALL_ID:-none}" "$(printf '%s' "$PARAM_TEXT" | tr '\r\n\t' '   ')" >> "$CHATAGENT_DATA_DIR/notifications.log"
printf '{"notified":true}\n'
