# Matchmaker's developer interface. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
CREATORS ?= 2000
# Development defaults; production sets DEBUG=0 and a SECRET_KEY (see README.md).
export DEBUG ?= 1

.PHONY: help install assets demo run seed migrate test test-fast lint format fuzz bench bench-full worker beat requirements clean

help:
	@echo "make demo     set up everything, seed demo data and serve http://$(HOST)"
	@echo "make test     the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make lint     ruff check and format check"
	@echo "make fuzz     schemathesis against the API as two organisations (set DATABASE_URL)"
	@echo "make bench    benchmarks on PostgreSQL (set DATABASE_URL), table printed and saved in var/bench/"

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

demo: seed
	@echo "Serving on http://$(HOST) (Celery tasks run in-process). Ctrl-C to stop."
	$(BIN)/python manage.py runserver $(HOST)

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

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks need PostgreSQL: a local default unless the environment names one.
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/matchmaker_bench)

bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.run $(BENCH_ARGS)

bench-full: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.run --full $(BENCH_ARGS)

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
