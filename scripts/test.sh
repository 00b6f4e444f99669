#!/usr/bin/env bash
# Run the test suite. SQLite by default; set IFN_TEST_DATABASE_URL to a PostgreSQL
# URL to run it against PostgreSQL (scripts/pg-start.sh starts one and prints it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
