# Matchmaker's developer interface. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
CREATORS ?= 2000
# Where the settings keep data (VAR_DIR, default var/): without DATABASE_URL the embedded
# PostgreSQL's cluster lives in $(VAR)/postgres/.
VAR := $(or $(VAR_DIR),var)
# Development defaults; production sets DEBUG=0 and a SECRET_KEY (see README.md).
export DEBUG ?= 1

.PHONY: help install assets demo reset-demo run seed migrate test test-fast lint format fuzz bench bench-full bench-scale worker beat requirements clean

help:
	@echo "make demo        set up everything, seed demo data and serve http://$(HOST)"
	@echo "make reset-demo  delete the demo data (the embedded PostgreSQL's cluster and uploads)"
	@echo "make test        the whole test suite (embedded PostgreSQL unless DATABASE_URL; Redis if REDIS_URL)"
	@echo "make lint        ruff check and format check, import contracts (lint-imports)"
	@echo "make fuzz        schemathesis against the API as two organisations (set DATABASE_URL)"
	@echo "make bench       benchmarks on PostgreSQL (set DATABASE_URL), table printed and saved in var/bench/"
	@echo "make bench-scale the 1M-creator benchmarks (SCALE_CREATORS), not in CI"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements/dev.txt
	touch $@

# Front-end libraries come from the npm registry (no CDN), copied where Django serves them.
# chart.umd.js ends with a sourceMappingURL comment, so its .map travels with it: the production
# storage (whitenoise's manifest) rewrites that reference and fails collectstatic if it is missing.
VENDOR_FILES := node_modules/htmx.org/dist/htmx.min.js node_modules/chart.js/dist/chart.umd.js \
	node_modules/chart.js/dist/chart.umd.js.map
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp $(VENDOR_FILES) static/vendor/
	touch $@

install: $(VENV)/.installed static/vendor/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --creators $(CREATORS) --if-empty

DATA_NOTE := $(if $(DATABASE_URL),Data: in the database DATABASE_URL names.,Data: embedded PostgreSQL in $(abspath $(VAR))/postgres/ (kept between runs; it stops when the last process using it ends). Start again from scratch: make reset-demo)

demo: seed
	@echo "Serving on http://$(HOST) (Celery tasks run in-process). Ctrl-C to stop."
	@echo "$(DATA_NOTE)"
	$(BIN)/python manage.py runserver $(HOST)

# Deletes the embedded server's cluster and the uploaded files; the next `make demo` seeds anew.
reset-demo: install
	@if [ -n "$(DATABASE_URL)" ]; then \
	  echo "DATABASE_URL is set: reset-demo only deletes the embedded server's data"; exit 1; fi
	$(BIN)/python -m matchmaker.embedded_postgres.cli reset $(abspath $(VAR))/postgres
	rm -rf $(VAR)/media

run: migrate
	$(BIN)/python manage.py runserver $(HOST)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not browser and not worker and not slow" $(PYTEST_ARGS)

# API fuzzing (CI runs it before the tests): schemathesis --checks all against gunicorn, as two
# organisations, on its own database (DATABASE_URL's name + _fuzz); tests/fuzz/api.py says more.
fuzz: install
	$(BIN)/python -m tests.fuzz.api

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks need PostgreSQL: a local default unless the environment names one.
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/matchmaker_bench)

bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.run $(BENCH_ARGS)

bench-full: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.run --full $(BENCH_ARGS)

# Issue 22's scale benchmarks (not in CI): SCALE_CREATORS (default 1,000,000) seeded once into
# their own database, reused by later runs (tests/bench/scale/run.py says more).
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/matchmaker_scale
bench-scale: install
	DATABASE_URL=$(SCALE_DATABASE_URL) $(BIN)/python -m tests.bench.scale.run $(BENCH_ARGS)

worker: install
	$(BIN)/celery -A matchmaker worker --loglevel=INFO --concurrency=2

beat: install
	$(BIN)/celery -A matchmaker beat --loglevel=INFO --schedule=var/celerybeat-schedule

# Re-pin dependencies after editing pyproject.toml.
requirements:
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml -o requirements/base.txt --python-version 3.11 -q
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements/dev.txt --python-version 3.11 -q

clean:
	rm -rf $(VENV) node_modules static/vendor var/staticfiles
