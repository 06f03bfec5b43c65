#!/usr/bin/env bash
# Run the product on this machine: migrate, collect the static files, load the demo data, then the
# web server (gunicorn, DEBUG off, static files from WhiteNoise) together with a Celery worker and
# beat. Ctrl-C stops all of it. DEBUG=1 runs Django's development server instead.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8000}"
py=.venv/bin/python

case "${DEBUG:-0}" in
  1 | [Tt]rue | TRUE | [Yy]es | YES | [Oo]n | ON) debug=1 ;;
  *) debug=0 ;;
esac
if [ "$debug" = 0 ]; then
  # This demo is plain HTTP on 127.0.0.1: turn off the HTTPS-only protections that production
  # keeps (redirect to https://, cookies sent over HTTPS only, HSTS). A real deployment serves
  # HTTPS through a reverse proxy and leaves them on (deploy/env.example).
  export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
  export SECURE_COOKIES="${SECURE_COOKIES:-0}"
  export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
fi
export SITE_URL="${SITE_URL:-http://127.0.0.1:$port}"

mkdir -p var
$py manage.py migrate --no-input -v0
if [ "$debug" = 0 ]; then $py manage.py collectstatic --no-input -v0; fi
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
if [ "$debug" = 0 ]; then
  # a worker that hangs on Ctrl-C is killed after 10 s rather than the default 30
  .venv/bin/gunicorn -c deploy/gunicorn.conf.py --bind "127.0.0.1:$port" --graceful-timeout 10 config.wsgi &
else
  $py manage.py runserver "127.0.0.1:$port" --noreload &
fi
web=$!
pids+=("$web")

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$web" 2>/dev/null || { echo "The web server did not start (is port $port free?)." >&2; exit 1; }
  sleep 0.5
done
echo
echo "  Joint meeting supervision is running at http://127.0.0.1:$port/"
if [ "$debug" = 1 ]; then echo "  (development mode: DEBUG=1, Django's runserver)"; fi
$py manage.py shell --no-imports -c "
from demo.data import DEMO_USERS, DEMO_PASSWORD
print('  Demo logins (password for all: %s):' % DEMO_PASSWORD)
for username, name, department, roles, _ in DEMO_USERS:
    print('    %-12s %s  %s' % (username, name, ', '.join(roles)))
print('    %-12s %s  %s' % ('admin', '系统管理员', 'admin'))
"
echo "  Press Ctrl-C to stop."
wait -n "${pids[@]}"
