# Sourced by .ci/run: a throwaway PostgreSQL cluster for the ledger's PostgreSQL tests (Debian package 'postgresql').
# postgres_start: initdb into a temp folder (as the 'postgres' user when run as root: initdb and postgres refuse root),
# listening on 127.0.0.1 only, on a free port, with scram-sha-256 and a password generated here; creates the database and
# exports EXPLAINABILITY_TEST_POSTGRES (an Npgsql connection string) and EXPLAINABILITY_REQUIRE_POSTGRES=1.
# postgres_stop: stops the cluster and removes its folder. Returns 1 (exporting nothing) when no PostgreSQL is found.

postgres_bin() {
  local candidate found=""
  for candidate in /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then found=$candidate; fi
  done
  if [ -z "$found" ] && command -v initdb >/dev/null 2>&1; then
    found=$(dirname "$(readlink -f "$(command -v initdb)")")
  fi
  [ -n "$found" ] && echo "$found"
}

postgres_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

postgres_start() {
  local bin port tries
  bin=$(postgres_bin) || return 1
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "warning: PostgreSQL found in $bin but no 'postgres' user to run it as" >&2
    return 1
  fi
  # /tmp rather than $TMPDIR: the postgres user must be able to reach it.
  POSTGRES_DIR=$(mktemp -d /tmp/explainability-postgres.XXXXXX)
  chmod 755 "$POSTGRES_DIR"
  local password
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" >"$POSTGRES_DIR/pwfile"
  chmod 600 "$POSTGRES_DIR/pwfile"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$POSTGRES_DIR"; fi
  postgres_as "$bin/initdb" -D "$POSTGRES_DIR/data" -U explainability --pwfile="$POSTGRES_DIR/pwfile" -A scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 --no-sync >"$POSTGRES_DIR/initdb.log" 2>&1 || { cat "$POSTGRES_DIR/initdb.log" >&2; return 1; }
  rm -f "$POSTGRES_DIR/pwfile"
  for tries in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    if postgres_as "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -l "$POSTGRES_DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$POSTGRES_DIR -c max_connections=200" start >/dev/null; then
      POSTGRES_BIN=$bin
      PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$port" -U explainability explainability_test || { postgres_stop; return 1; }
      export EXPLAINABILITY_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Database=explainability_test;Username=explainability;Password=$password"
      export EXPLAINABILITY_REQUIRE_POSTGRES=1
      echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (cluster in $POSTGRES_DIR)"
      return 0
    fi
  done
  cat "$POSTGRES_DIR/server.log" >&2
  rm -rf "$POSTGRES_DIR"
  return 1
}

postgres_stop() {
  if [ -n "${POSTGRES_DIR:-}" ] && [ -d "$POSTGRES_DIR" ]; then
    postgres_as "$POSTGRES_BIN/pg_ctl" -D "$POSTGRES_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$POSTGRES_DIR"
  fi
}
