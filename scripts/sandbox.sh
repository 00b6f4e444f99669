#!/usr/bin/env bash
# Set up (virtualenv, install) and start the local sandbox: the bot, a fake Slack
# and a page that plays the workspace, all on 127.0.0.1. No Slack, no tokens.
# Data (SQLite, the moved clock) lives in ./sandbox-data; delete it to start over.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/ifn-bot sandbox "$@"
