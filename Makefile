# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run   – install, migrate, load demo data, serve at http://127.0.0.1:8000
#   make test  – install and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# xstatic-bootstrap 5 builds from an sdist that needs setuptools < 81 (see build-constraints.txt).
PIP_INSTALL := PIP_CONSTRAINT=build-constraints.txt $(BIN)/pip install --disable-pip-version-check -q

.PHONY: run test install install-dev browser serve lint format typecheck check bench bench-import bench-web clean messages makemessages

# The runtime set (what a server needs) and the development set (runtime + tests and tools).
$(BIN)/.installed: requirements.txt build-constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

# Translations: the .po catalogues are the source; the .mo files are built (GNU gettext's msgfmt,
# Debian package gettext) and not committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

%.mo: %.po
	@command -v msgfmt >/dev/null || { echo "msgfmt missing: install GNU gettext (apt-get install gettext)"; exit 1; }
	msgfmt --check -o $@ $<

messages: $(MO_FILES)

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed messages

install-dev: $(BIN)/.installed-dev messages

# After changing strings: refresh every catalogue, then translate what is new (docs/GLOSSARY.md).
makemessages: install-dev
	$(BIN)/python manage.py makemessages --all

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@# The background worker (big imports and exports) runs beside the web server and stops with it.
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Browser tests need Debian's chromium; install it when missing (root or sudo), never a downloaded browser.
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; }

test: install-dev browser
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

# What CI checks besides the tests: lint, formatting, templates, missing migrations, types.
check: lint typecheck
	$(BIN)/djlint templates --lint
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Production-like: DEBUG off, collected static files, gunicorn on 127.0.0.1:8000 over plain HTTP,
# with the background worker beside it (stopped with it).
serve: install
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-local-serve-$$(hostname)-not-for-the-internet} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0 \
	sh -c '$(BIN)/python manage.py collectstatic --noinput -v0 && \
	       $(BIN)/python manage.py migrate --noinput && \
	       { $(BIN)/python manage.py db_worker & worker=$$!; \
	         trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	         $(BIN)/gunicorn cxpillars.wsgi --bind 127.0.0.1:8000 --workers 2 --access-logfile - \
	           --limit-request-line 4094 --limit-request-fields 50 --limit-request-field_size 8190; }'

bench: install-dev
	$(BIN)/python -m benchmarks.report_speed

# Import speed: 100,000 rows of a survey export, step by step, against a bare csv parse.
# PostgreSQL: make bench-import BENCH_ARGS="--database-url postgres://…/scratch"
bench-import: install-dev
	$(BIN)/python -m benchmarks.import_speed $(BENCH_ARGS)

# Every page under load (wrk, gunicorn 2 workers) against a bare view on the same stack, on
# SQLite and, when DATABASE_URL (or BENCH_ARGS="--database-url …") names a PostgreSQL server, on a
# scratch database there too. Installs Debian's wrk when missing. See docs/PERFORMANCE.md.
bench-web: install-dev
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q wrk; \
	  else sudo apt-get update -q && sudo apt-get install -y -q wrk; fi; }
	$(BIN)/python -m benchmarks.web_speed $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
	rm -f $(MO_FILES)
