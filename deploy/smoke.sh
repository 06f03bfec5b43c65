#!/usr/bin/env bash
# Smoke test of the production stack on this machine, without containers: gunicorn (2 workers,
# deploy/gunicorn.conf.py), a Celery worker and one beat against the local PostgreSQL and Redis,
# DEBUG off. deploy/smoke_drive.py then works over HTTP as the people would, through the pages
# and their forms (login with CSRF): one proposal from registration to the released PDF letter and
# the proposer's evaluation, one duty from the .xlsx import to its acceptance, one campaign day
# from the report to the matrix, and /healthz. Everything started is stopped and the smoke
# database dropped on the way out, whatever happens (trap).
#
#   deploy/smoke.sh        (make test runs it after pytest; .ci/run runs make test)
#
# PostgreSQL: the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/), database
# SMOKE_DATABASE (default jm_smoke, dropped and created afresh). Redis: SMOKE_BROKER_URL and
# SMOKE_CACHE_URL (default redis://127.0.0.1:6379/8 and /9, flushed). Without a PostgreSQL server
# or Redis the smoke test is skipped, except under CI (CI set), where it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON:-.venv/bin/python}"
bin=$(dirname "$py")

server_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
case "$server_url" in
  postgres://* | postgresql://*) ;;
  *) server_url="postgres://postgres@127.0.0.1:5432/postgres" ;;
esac
database="${SMOKE_DATABASE:-jm_smoke}"
server_url="${server_url%/*}"
admin_url="$server_url/postgres"
broker_url="${SMOKE_BROKER_URL:-redis://127.0.0.1:6379/8}"
cache_url="${SMOKE_CACHE_URL:-redis://127.0.0.1:6379/9}"

export PGOPTIONS="--client-min-messages=warning"
missing=""
psql "$admin_url" -XAtqc "SELECT 1" >/dev/null 2>&1 || missing="PostgreSQL at $server_url"
"$py" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" "$broker_url" >/dev/null 2>&1 \
  || missing="${missing:+$missing, }Redis at $broker_url"
if [ -n "$missing" ]; then
  if [ -n "${CI:-}" ]; then
    echo "smoke: no $missing" >&2
    exit 1
  fi
  echo "smoke: skipped (no $missing; .ci/run starts them)"
  exit 0
fi

var_dir=$(mktemp -d)
pids=()
cleanup() {
  status=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "$status" != 0 ]; then
    for log in "$var_dir"/*.log; do
      [ -f "$log" ] && { echo "--- $(basename "$log") (last lines)"; tail -n 40 "$log"; }
    done
  fi
  psql "$admin_url" -XAtqc "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null 2>&1 || true
  "$py" -c "import redis, sys; [redis.Redis.from_url(u).flushdb() for u in sys.argv[1:]]" \
    "$broker_url" "$cache_url" 2>/dev/null || true
  rm -rf "$var_dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$("$py" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
base="http://127.0.0.1:$port"
# the production settings: DEBUG off, a secret key generated into VAR_DIR; only HTTPS is off,
# since the smoke test speaks plain HTTP to gunicorn (nginx terminates TLS in production)
unset SECRET_KEY DJANGO_SETTINGS_MODULE EMAIL_HOST
export DEBUG=0 VAR_DIR="$var_dir" DATABASE_URL="$server_url/$database" CELERY_BROKER_URL="$broker_url" \
  CACHE_URL="$cache_url" ALLOWED_HOSTS=127.0.0.1 SITE_URL="$base" LANGUAGE_CODE=zh-hans \
  SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 LOG_LEVEL=WARNING

started=$(date +%s)
echo "smoke: database $database, $base"
psql "$admin_url" -XAtqc "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null
psql "$admin_url" -XAtqc "CREATE DATABASE \"$database\"" >/dev/null
"$py" -c "import redis, sys; [redis.Redis.from_url(u).flushdb() for u in sys.argv[1:]]" "$broker_url" "$cache_url"
"$py" manage.py compilemessages -l zh_Hans --ignore=.venv -v0
"$py" manage.py migrate --no-input -v0
"$py" manage.py collectstatic --no-input -v0
"$py" manage.py load_demo --quiet-logins >/dev/null

# each in its own process group (setsid), stopped as one by cleanup
setsid "$bin/gunicorn" -c deploy/gunicorn.conf.py --bind "127.0.0.1:$port" --workers 2 config.wsgi \
  >"$var_dir/gunicorn.log" 2>&1 &
pids+=($!)
setsid "$bin/celery" -A config worker --concurrency=2 --hostname="smoke-worker@%h" --loglevel=WARNING \
  >"$var_dir/worker.log" 2>&1 &
pids+=($!)
setsid "$bin/celery" -A config beat --loglevel=WARNING --schedule="$var_dir/celerybeat-schedule" \
  >"$var_dir/beat.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 120); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "smoke: a process of the stack exited at start" >&2; exit 1; }
  done
  sleep 0.5
done

"$py" deploy/smoke_drive.py "$base"
for pid in "${pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || { echo "smoke: a process of the stack died during the run" >&2; exit 1; }
done
if grep -E "Traceback|ERROR" "$var_dir"/*.log >/dev/null; then
  echo "smoke: errors in the logs of the stack" >&2
  exit 1
fi
echo "smoke: passed in $(($(date +%s) - started)) s"
