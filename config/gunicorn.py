"""gunicorn settings for production: ``gunicorn -c config/gunicorn.py config.wsgi``.

Sync workers (the API's requests are short and CPU-bound): by default two per CPU and one more,
at least 3 and at most 9, so that a slow request (a page of a large export, a coverage page
drawn for the first time) holds one worker while the others keep answering the worker map. The
benchmark sets its own count (2). The worker heartbeat file lives on tmpfs, as gunicorn's docs
advise, so that a worker never waits on a disk between requests."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", max(3, min(2 * (os.cpu_count() or 1) + 1, 9))))
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
