#!/bin/sh
# Records an incident in $CHATAGENT_DATA_DIR/incidents.log and prints {"incident_id"}.
# Free text (title, impact) is written flattened to one line and never echoed into JSON by hand.
set -eu
fail() { echo "$*" >&2; exit 2; }
case "${PARAM_SEVERITY:-}" in sev1 | sev2 | sev3) ;; *) fail "invalid severity '${PARAM_SEVERITY:-}': use sev1, sev2 or sev3" ;; esac
[ -n "${PARAM_TITLE:-}" ] || fail "title is required"
[ -n "${PARAM_IMPACT:-}" ] || fail "impact is required"
[ -n "${CHATAGENT_DATA_DIR:-}" ] || fail "CHATAGENT_DATA_DIR is not set"
mkdir -p "$CHATAGENT_DATA_DIR"
log="$CHATAGENT_DATA_DIR/incidents.log"
touch "$log"
id="INC-$(( $(wc -l < "$log") + 1 ))"
flat() { printf '%s' "$1" | tr '\r\n\t' '   '; }
printf '%s %s severity=%s call=%s title=%s | impact=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$id" "$PARAM_SEVERITY" \
  "${CHATAGENT_TOOL_CALL_ID:-none}" "$(flat "$PARAM_TITLE")" "$(flat "$PARAM_IMPACT")" >> "$log"
printf '{"incident_id":"%s","severity":"%s"}\n' "$id" "$PARAM_SEVERITY"
