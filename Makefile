# Rehabit — everyday commands. `make run` serves the app; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links the app writes out (invitations and their QR codes, emails) point at the server
# `make run` starts, on its port; set REHABIT_SITE_URL yourself to point them elsewhere.
REHABIT_SITE_URL ?= http://127.0.0.1:$(PORT)
# Tests run with production-like settings (DEBUG off); the key below is for tests only.
TEST_ENV := DJANGO_DEBUG=0 DJANGO_SECRET_KEY=test-only-not-secret DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1
RUN_ENV := DJANGO_DEBUG=1 REHABIT_SITE_URL=$(REHABIT_SITE_URL)
# mypy's Django plugin imports the settings; with DEBUG on they need no secret key.
TYPECHECK_ENV := DJANGO_DEBUG=1

.PHONY: run test lint fmt setup setup-dev translations messages migrate demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

# The translations' .mo files are built from the .po files in locale/, never committed.
translations: $(VENV)/.installed
	$(BIN)/python -m config.translations

# Extract new messages into the catalogs (needs gettext); then translate them in locale/.
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=benchmarks --ignore=staticfiles \
	--ignore=screenshots --ignore=build
messages: setup-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --add-location=file -l es -l de $(MESSAGES_IGNORE)
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --add-location=file -l es -l de -d djangojs \
		$(MESSAGES_IGNORE) --ignore=static/vendor

setup: $(VENV)/.installed translations

setup-dev: $(VENV)/.installed-dev translations

migrate: setup
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(RUN_ENV) $(BIN)/python manage.py load_catalogue
	$(RUN_ENV) $(BIN)/python manage.py load_templates
	$(RUN_ENV) $(BIN)/python manage.py load_measures
	$(RUN_ENV) $(BIN)/python manage.py seed_demo

run: demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup-dev
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TYPECHECK_ENV) $(BIN)/mypy

fmt: setup-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Dataset + load run on PostgreSQL (a throwaway server unless DATABASE_URL is set).
bench: setup-dev
	bash benchmarks/run.sh $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .mypy_cache
