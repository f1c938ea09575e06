#!/usr/bin/env bash
# `make run` (production): uWSGI (config/uwsgi.ini) with the production settings over plain
# HTTP on loopback (config/settings/run.py), static files collected and served by whitenoise.
# `make dev`: Django's auto-reloading development server (config/settings/local.py).
# Both start the task queue's worker in the background (van-tour planning, coverage maps and
# the open-data export run there, never in a request); stopping the server (Ctrl-C) stops it.
set -euo pipefail
PY=${1:-.venv/bin/python}
MODE=${2:-production}
BIND=${YIZHAN_BIND:-127.0.0.1:8000}

if [ "$MODE" = production ]; then
    # Secrets made once for this machine and kept (sessions survive a restart), never committed.
    secrets=var/run-secrets.env
    if [ ! -f "$secrets" ]; then
        mkdir -p var
        (umask 077 && "$PY" -c 'import secrets
print("DJANGO_SECRET_KEY=" + secrets.token_urlsafe(50))
print("YIZHAN_PHONE_HASH_KEYS=" + secrets.token_urlsafe(50))' > "$secrets")
    fi
    set -a
    # shellcheck disable=SC1090
    . "$secrets"
    set +a
    export DJANGO_SETTINGS_MODULE=config.settings.run
    export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}
    "$PY" manage.py collectstatic --noinput -v 0
fi

"$PY" manage.py db_worker --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT

if [ "$MODE" = production ]; then
    # Two processes per CPU and one more, at least 3 and at most 9: a slow request (a page of a
    # large export, a coverage page drawn for the first time) holds one process while the
    # others keep answering the worker map.
    cpus=$(nproc 2>/dev/null || echo 1)
    processes=${YIZHAN_PROCESSES:-$(( cpus * 2 + 1 < 3 ? 3 : (cpus * 2 + 1 > 9 ? 9 : cpus * 2 + 1) ))}
    echo "yizhan: http://$BIND/ (uWSGI, $processes processes, production settings; Ctrl-C stops)"
    "$(dirname "$PY")/uwsgi" --ini config/uwsgi.ini --http-socket "$BIND" --processes "$processes"
else
    "$PY" manage.py runserver "$BIND"
fi
