# gunicorn -c deploy/gunicorn.conf.py livelihood.wsgi:application
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = 4
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# The access log never records a client address (ballot secrecy, voting/README.md).
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
