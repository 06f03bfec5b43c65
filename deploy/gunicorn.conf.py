# gunicorn -c deploy/gunicorn.conf.py config.wsgi
# Sized by environment variables (deploy/env.example explains them); the command line wins over both.
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Processes x threads answer requests at once. A page is mostly database time, so two threads per
# process keep a core busy; more processes than 2 x cores only queue on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A request still running after this many seconds is killed and answered 502 by nginx (whose
# proxy_read_timeout is longer): no page, import or export of ours takes that long; PDFs are
# rendered by the Celery worker, never in a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# nginx keeps connections to gunicorn open (upstream keepalive) and closes them after 4 s idle,
# before gunicorn does after this many
keepalive = 5
# Workers are not recycled after N requests (max_requests): a threaded worker that restarts
# drops the keep-alive connections it holds, which the load benchmark saw as failed requests.
# the heartbeat file on a memory file system: a container's overlay disk can stall it
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
# nginx on the same host is the only proxy whose X-Forwarded-* headers are believed
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No gunicornc control socket: nothing here uses it, and every gunicorn on a machine (make run next
# to a test run) would otherwise share the one default path.
control_socket_disable = True
