#!/usr/bin/env bash
# Stop the server scripts/pg-start.sh started.
set -euo pipefail
PGPORT="${PGPORT:-55432}"
PGDATA_DIR="${PGDATA_DIR:-/tmp/ifn-bot-pg-${PGPORT:-55432}}"
[ -f "$PGDATA_DIR/postmaster.pid" ] || exit 0
for d in /usr/lib/postgresql/*/bin; do PGBIN="$d"; done
if [ "$(id -u)" = "0" ]; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop
else
  "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop
fi
