#!/usr/bin/env bash
# Builds the Teams app package (manifest.json + icons, zipped) for upload in Teams or the Developer Portal.
# Usage: TEAMS_APP_ID=<the bot's Microsoft App ID> scripts/teams-package.sh [output.zip]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src="$here/manifests/teams"
out="${1:-$here/artifacts/chatagent-teams.zip}"
: "${TEAMS_APP_ID:?set TEAMS_APP_ID to the Microsoft App ID of the bot (Teams__AppId on the server)}"
if ! [[ "$TEAMS_APP_ID" =~ ^[0-9a-fA-F-]{36}$ ]]; then
  echo "TEAMS_APP_ID must be a GUID, got: $TEAMS_APP_ID" >&2
  exit 1
fi
[ -f "$src/color.png" ] && [ -f "$src/outline.png" ] || python3 "$src/make-icons.py"
mkdir -p "$(dirname "$out")"
python3 - "$src" "$out" "$TEAMS_APP_ID" <<'PY'
import json, sys, zipfile
src, out, app_id = sys.argv[1:4]
manifest = open(f"{src}/manifest.json", encoding="utf-8").read().replace("${{TEAMS_APP_ID}}", app_id)
json.loads(manifest)  # fail here, not in Teams, if the manifest is not JSON
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("manifest.json", manifest)
    z.write(f"{src}/color.png", "color.png")
    z.write(f"{src}/outline.png", "outline.png")
print(out)
PY
