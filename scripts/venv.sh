#!/usr/bin/env bash
# Create the project's virtualenv (installing Debian's venv support if missing) and install
# the project with its dev extras into it.
set -euo pipefail
venv=${1:-.venv}
python=${PYTHON:-python3}

if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  echo "yizhan needs Python 3.11 as '$python' (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
# A virtualenv made by another interpreter (say, before PYTHON changed) is made again.
if [ -x "$venv/bin/python" ] \
  && [ "$(readlink -f "$venv/bin/python")" != "$(readlink -f "$(command -v "$python")")" ]; then
  echo "[venv] $venv was made by another Python: making it again with $python"
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    if [ "$(id -u)" -ne 0 ]; then
      echo "Python's venv module is missing: sudo apt-get install -y python3-venv" >&2
      exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null; }
    "$python" -m venv "$venv"
  fi
fi
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q -e '.[dev]'
