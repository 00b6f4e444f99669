#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the test suite on a local port.
# Installs Debian's postgresql package when the server binaries are missing.
# Prints the DATABASE_URL to use on the last line of stdout.
# PGPORT picks the port; without it a free port is chosen, so two runs on one machine
# (two CI runs, two developers) never collide. Stop it with PGPORT=<port> scripts/pg-stop.sh.
set -euo pipefail

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
CHOSEN_PORT=""
if [ -z "${PGPORT:-}" ]; then
  PGPORT=$(free_port)
  CHOSEN_PORT=1
fi
PGDATA_DIR="${PGDATA_DIR:-/tmp/ifn-bot-pg-$PGPORT}"

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

if ! PGBIN=$(find_bin); then
  echo "installing PostgreSQL from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  PGBIN=$(find_bin)
fi

# initdb and postgres refuse to run as root: use the postgres system user when root.
RUN=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  RUN=(runuser -u postgres --)
fi

if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true
fi
rm -rf "$PGDATA_DIR"
mkdir -p "$PGDATA_DIR"
[ "$(id -u)" = "0" ] && chown postgres "$PGDATA_DIR"
"${RUN[@]}" "$PGBIN/initdb" -D "$PGDATA_DIR" -U ifn --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
start_server() {
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -w -l "$PGDATA_DIR/server.log" \
    -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >&2
}
if ! start_server; then
  # A chosen port can be taken between the check and the start: try another once.
  [ -n "$CHOSEN_PORT" ] || { cat "$PGDATA_DIR/server.log" >&2; exit 1; }
  old="$PGDATA_DIR"
  PGPORT=$(free_port)
  PGDATA_DIR="/tmp/ifn-bot-pg-$PGPORT"
  rm -rf "$PGDATA_DIR"
  mv "$old" "$PGDATA_DIR"
  start_server
fi
echo "PostgreSQL on port $PGPORT; stop it with: PGPORT=$PGPORT bash scripts/pg-stop.sh" >&2
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U ifn ifn_test
echo "postgresql+psycopg://ifn@127.0.0.1:$PGPORT/ifn_test"
