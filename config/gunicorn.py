"""gunicorn settings for production: ``gunicorn -c config/gunicorn.py config.wsgi``.

Sync workers (the API's requests are short and CPU-bound); the worker heartbeat file lives on
tmpfs, as gunicorn's docs advise, so that a worker never waits on a disk between requests."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
