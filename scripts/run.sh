#!/usr/bin/env bash
# Run the product on this machine: migrate, load the demo data, then the web server together with
# a Celery worker and beat. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8000}"
py=.venv/bin/python

mkdir -p var
$py manage.py migrate --no-input -v0
$py manage.py createcachetable
$py manage.py load_demo --quiet-logins

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

.venv/bin/celery -A config worker --beat --pool=solo --loglevel=WARNING \
  --schedule=var/celerybeat-schedule &
pids+=($!)
$py manage.py runserver "127.0.0.1:$port" --noreload &
pids+=($!)

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
echo
echo "  Joint meeting supervision is running at http://127.0.0.1:$port/"
$py manage.py shell --no-imports -c "
from demo.data import DEMO_USERS, DEMO_PASSWORD
print('  Demo logins (password for all: %s):' % DEMO_PASSWORD)
for username, name, department, roles, _ in DEMO_USERS:
    print('    %-12s %s  %s' % (username, name, ', '.join(roles)))
print('    %-12s %s  %s' % ('admin', '系统管理员', 'admin'))
"
echo "  Press Ctrl-C to stop."
wait -n "${pids[@]}"
