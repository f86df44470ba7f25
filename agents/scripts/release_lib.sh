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

# One line per execution: timestamp, tool, service, env, version, tool call id.
log_release() {
  [ -n "${CHATAGENT_DATA_DIR:-}" ] || fail "CHATAGENT_DATA_DIR is not set"
  mkdir -p "$CHATAGENT_DATA_DIR"
  printf '%s tool=%s service=%s env=%s version=%s call=%s\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$PARAM_SERVICE" "$2" "$3" "${CHATAGENT_TOOL_CALL_ID:-none}" \
    >> "$CHATAGENT_DATA_DIR/releases.log"
}
