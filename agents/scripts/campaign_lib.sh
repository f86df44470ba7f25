# Shared by the campaign scripts (sourced, not a tool). Each campaign keeps its files in
# $CHATAGENT_DATA_DIR/campaigns/<campaign>/; parameters arrive as environment variables only.
fail() { echo "$*" >&2; exit 2; }

campaign_dir() {
  case "${PARAM_CAMPAIGN:-}" in
    "" | *[!a-z0-9-]*) fail "invalid campaign '${PARAM_CAMPAIGN:-}': use 1-40 of a-z, 0-9 and -" ;;
  esac
  [ -n "${CHATAGENT_DATA_DIR:-}" ] || fail "CHATAGENT_DATA_DIR is not set"
  dir="$CHATAGENT_DATA_DIR/campaigns/$PARAM_CAMPAIGN"
  mkdir -p "$dir"
}

need() { [ -f "$dir/$1" ] || fail "$1 is missing: run $2 first"; }

count() { if [ -s "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }
