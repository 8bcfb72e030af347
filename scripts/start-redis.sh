#!/usr/bin/env bash
# Starts the Redis server that Gatehouse's Redis counter tests use, and prints its connection string.
# Idempotent: installs Debian's `redis-server` when missing, starts one when none answers, and returns at
# once when it already answers.
# It listens on 127.0.0.1 only, on its own port, so it never clashes with a system Redis, and keeps nothing
# on disk: counters are throw-away test state.
# Usage: scripts/start-redis.sh     (env: GATEHOUSE_REDIS_PORT, default 6380; GATEHOUSE_REDIS_DIR)
# The tests read GATEHOUSE_TEST_REDIS; its default is the connection string this script prints.
set -euo pipefail

port="${GATEHOUSE_REDIS_PORT:-6380}"
dir="${GATEHOUSE_REDIS_DIR:-/tmp/gatehouse-redis-$port}"
connection="127.0.0.1:$port"

fail() { echo "start-redis: $*" >&2; exit 1; }

answers() { redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; }

if command -v redis-cli >/dev/null 2>&1 && answers; then
  echo "$connection"
  exit 0
fi

if ! command -v redis-server >/dev/null 2>&1; then
  [[ $(id -u) -eq 0 ]] || fail "redis-server is not installed; run this script as root to install it with apt-get."
  echo "start-redis: installing Debian's redis-server package..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq redis-server >/dev/null
  command -v redis-server >/dev/null 2>&1 || fail "apt-get installed redis-server but it is not on PATH."
fi

mkdir -p "$dir"
# No RDB snapshots and no AOF: persistence would only slow the tests and leave files behind.
redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$dir" \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save '' --appendonly no >/dev/null

for _ in $(seq 1 50); do
  if answers; then
    echo "$connection"
    exit 0
  fi
  sleep 0.1
done
fail "redis-server did not answer on port $port within 5 s; see $dir/redis.log."
