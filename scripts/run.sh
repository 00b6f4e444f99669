#!/usr/bin/env bash
# Set everything up and run the bot on SQLite: install, migrate, load the demo
# directory on first start, then `ifn-bot run` with the settings in .env.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -f .env ] && [ -z "${SLACK_BOT_TOKEN:-}" ]; then
  echo "No .env found: copy .env.example to .env and fill in SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET." >&2
fi
.venv/bin/ifn-bot db upgrade
if [ ! -f .ifn-demo-loaded ]; then
  .venv/bin/ifn-bot directory import "${IFN_DIRECTORY_FILE:-examples/org.yaml}" && touch .ifn-demo-loaded
fi
exec .venv/bin/ifn-bot run "$@"
