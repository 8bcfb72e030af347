#!/usr/bin/env bash
# Starts the PostgreSQL server that Gatehouse's store tests use, and prints its connection string.
# Idempotent: installs Debian's `postgresql` when missing, creates a throw-away cluster under /tmp on first
# run, starts it when stopped, and returns at once when it already answers.
# The cluster listens on 127.0.0.1 only, on its own port, so it never clashes with a system PostgreSQL.
# Usage: scripts/start-postgres.sh     (env: GATEHOUSE_PG_PORT, default 5433; GATEHOUSE_PG_DIR)
# The tests read GATEHOUSE_TEST_POSTGRES; its default is the connection string this script prints.
set -euo pipefail

port="${GATEHOUSE_PG_PORT:-5433}"
dir="${GATEHOUSE_PG_DIR:-/tmp/gatehouse-postgres-$port}"
data="$dir/data"
role=gatehouse
password=gatehouse
connection="Host=127.0.0.1;Port=$port;Username=$role;Password=$password"

fail() { echo "start-postgres: $*" >&2; exit 1; }

# The server runs as an unprivileged user: postgres refuses to run as root.
if [[ $(id -u) -eq 0 ]]; then
  as_server() { runuser -u postgres -- "$@"; }
else
  as_server() { "$@"; }
fi

answers() {
  PGPASSWORD="$password" PGCONNECT_TIMEOUT=3 psql -h 127.0.0.1 -p "$port" -U "$role" -d postgres \
    -tAc 'select 1' >/dev/null 2>&1
}

find_bin() {
  # The newest installed major version; Debian keeps each under /usr/lib/postgresql/VERSION/bin.
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n "$candidate" && -x "$candidate/pg_ctl" ]] && echo "$candidate"
}

if command -v psql >/dev/null 2>&1 && answers; then
  echo "$connection"
  exit 0
fi

bin="$(find_bin || true)"
if [[ -z "$bin" ]]; then
  [[ $(id -u) -eq 0 ]] || fail "PostgreSQL is not installed; run this script as root to install it with apt-get."
  echo "start-postgres: installing Debian's postgresql package..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >/dev/null
  bin="$(find_bin)" || fail "apt-get installed postgresql but no pg_ctl was found under /usr/lib/postgresql."
fi

mkdir -p "$dir"
if [[ $(id -u) -eq 0 ]]; then
  chown postgres:postgres "$dir"
fi
chmod 700 "$dir"

if [[ ! -f "$data/PG_VERSION" ]]; then
  echo "start-postgres: creating a cluster in $data..." >&2
  rm -rf "$data"
  # Local socket connections are trusted (only the server's own user can reach the socket in $dir);
  # TCP connections need a password.
  as_server "$bin/initdb" -D "$data" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; fail "initdb failed."; }
  # A test server: durability is traded for speed (each test creates and drops a database).
  cat >>"$data/postgresql.conf" <<EOF

# Gatehouse test cluster (scripts/start-postgres.sh)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
fi

if ! as_server "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  as_server "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$dir/server.log" >&2 || true; fail "the server did not start (is port $port taken?)."; }
fi

as_server "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >/dev/null <<EOF
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password';
  ELSE
    ALTER ROLE $role LOGIN CREATEDB PASSWORD '$password';
  END IF;
END
\$\$;
EOF

answers || fail "the server runs but refuses $role on 127.0.0.1:$port; see $dir/server.log."
echo "$connection"
