#!/usr/bin/env bash
# Stop the server scripts/pg-start.sh started and remove its data (it is a throw-away).
set -euo pipefail
# PGPORT (or PGDATA_DIR) names the server: the port pg-start.sh printed.
if [ -z "${PGPORT:-}" ] && [ -z "${PGDATA_DIR:-}" ]; then
  echo "pg-stop.sh: set PGPORT to the port pg-start.sh printed" >&2
  exit 2
fi
PGDATA_DIR="${PGDATA_DIR:-/tmp/ifn-bot-pg-$PGPORT}"
[ -f "$PGDATA_DIR/postmaster.pid" ] || exit 0
for d in /usr/lib/postgresql/*/bin; do PGBIN="$d"; done
if [ "$(id -u)" = "0" ]; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop
else
  "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop
fi
rm -rf "$PGDATA_DIR"
