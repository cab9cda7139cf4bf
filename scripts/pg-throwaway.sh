# Sourced by scripts: starts a PostgreSQL cluster in a temp folder on a free 127.0.0.1 port, and stops it again.
# Sets PG_PORT and PG_DIR. Runs the server as the 'postgres' user when invoked as root.

pg_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( (RANDOM % 20000) + 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_throwaway_start() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PG_DIR=$(mktemp -d /tmp/executionlab-pg.XXXXXX)
  PG_PORT=$(pg_free_port)
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
  pg_as_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
  pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p ${PG_PORT} -c listen_addresses=127.0.0.1 -k ${PG_DIR} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
  PG_BIN=$bin
  export PG_PORT PG_DIR PG_BIN
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:${PG_PORT}"
}

pg_throwaway_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
