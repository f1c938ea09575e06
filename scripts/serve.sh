#!/usr/bin/env bash
# `make run`: the task queue's worker in the background (van-tour planning, coverage maps and
# the open-data export run there, never in a request), the development server in front.
# Stopping the server (Ctrl-C) stops the worker too.
set -euo pipefail
PY=${1:-.venv/bin/python}
"$PY" manage.py db_worker --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT
"$PY" manage.py runserver 127.0.0.1:8000
