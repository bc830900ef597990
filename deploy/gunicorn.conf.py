# gunicorn -c deploy/gunicorn.conf.py livelihood.wsgi:application
# Used by the systemd unit (behind nginx) and by `make run` (livelihood.devservers
# .gunicorn_command, which adds --bind and silences the access log). GUNICORN_* override.
import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use, not the host's
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * _cores() + 1))
# Threads keep a phone's idle keep-alive connection from holding a whole worker.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A hall's phones arrive together: queue them in the kernel instead of refusing them.
backlog = int(os.environ.get("GUNICORN_BACKLOG", 2048))
# Pages answer in milliseconds (reports are made by the Celery worker); a stuck request is
# killed after a minute, and Ctrl-C / a restart waits at most this long for requests in flight.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The access log never records a client address (ballot secrecy, voting/README.md).
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
