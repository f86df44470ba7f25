# Shared by the release scripts (sourced, not a tool). Parameters arrive as environment variables only.

fail() { echo "$*" >&2; exit 2; }

require_service() {
  case "${PARAM_SERVICE:-}" in
    "" | *[!a-z0-9-]*) fail "invalid service '${PARAM_SERVICE:-}': use 1-40 of a-z, 0-9 and -" ;;
  esac
  [ "${#PARAM_SERVICE}" -le 40 ] || fail "invalid service: longer than 40 characters"
}

require_version() {
  case "${PARAM_VERSION:-}" in
    "" | *[!0-9.]* | .* | *. | *..*) fail "invalid version '${PARAM_VERSION:-}': use MAJOR.MINOR.PATCH" ;;
  esac
  [ "$(printf '%s' "$PARAM_VERSION" | tr -cd . | wc -c)" -eq 2 ] || fail "invalid version '$PARAM_VERSION': use MAJOR.MINOR.PATCH"
}

# Test hook: a file script-delay-ms in the data dir (an integer) makes each release take that long, half before
# and half after its log line, so the crash tests can kill the bot in the middle of a step. Absent in real use.
simulated_work() {
  delay_file="$CHATAGENT_DATA_DIR/script-delay-ms"
  [ -f "$delay_file" ] || return 0
  ms="$(tr -cd 0-9 < "$delay_file")"
  [ -n "$ms" ] && sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 2000 }')"
  return 0
}

# One line per execution: timestamp, tool, service, env, version, tool call id.
log_release() {
  [ -n "${CHATAGENT_DATA_DIR:-}" ] || fail "CHATAGENT_DATA_DIR is not set"
  mkdir -p "$CHATAGENT_DATA_DIR"
  simulated_work
  printf '%s tool=%s service=%s env=%s version=%s call=%s\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$PARAM_SERVICE" "$2" "$3" "${CHATAGENT_TOOL_CALL_ID:-none}" \
    >> "$CHATAGENT_DATA_DIR/releases.log"
  simulated_work
}
