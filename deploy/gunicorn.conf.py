# gunicorn -c deploy/gunicorn.conf.py config.wsgi
bind = "127.0.0.1:8000"
workers = 3
threads = 2
timeout = 60
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"
# No gunicornc control socket: nothing here uses it, and every gunicorn on a machine (make run next
# to a test run) would otherwise share the one default path.
control_socket_disable = True
