# Vegvis — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
VEGVIS := $(BIN)/vegvis
PG_URL ?= postgres://postgres@127.0.0.1:5432/vegvis
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup setup-dev run serve test test-sqlite test-postgres lint typecheck browser-deps backup-deps pdf-deps messages translations bench clean demo

## setup: idempotent install of what the application needs to run — .venv with the pinned runtime packages only
## (requirements/runtime.txt), front-end packages, translations. No test, benchmark, browser or lint tool.
setup: $(VENV)/.runtime node_modules/.installed messages

## setup-dev: setup plus the pinned development tools (requirements/dev.txt: pytest, Playwright, Locust, ruff, mypy, …).
setup-dev: setup $(VENV)/.dev

# pip's own exit status counts (the grep only hides a harmless warning about the install location).
PIP_INSTALL = $(BIN)/pip install --quiet --disable-pip-version-check

$(VENV)/.runtime: pyproject.toml requirements/runtime.txt
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements/runtime.txt 2>&1 | { grep -v "^WARNING: Location" || true; }; test $${PIPESTATUS[0]} -eq 0
	$(PIP_INSTALL) --no-deps -e . 2>&1 | { grep -v "^WARNING: Location" || true; }; test $${PIPESTATUS[0]} -eq 0
	$(BIN)/python -c "import vegvis, django, weasyprint"
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements/dev.txt
	$(PIP_INSTALL) -r requirements/dev.txt 2>&1 | { grep -v "^WARNING: Location" || true; }; test $${PIPESTATUS[0]} -eq 0
	$(BIN)/python -c "import pytest, factory, playwright, mypy"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

messages: $(VENV)/.runtime
	@command -v msgfmt >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null)
	@$(VEGVIS) compilemessages -v 0

## translations: extract new interface strings into the Norwegian catalogue and list what needs translating.
translations: $(VENV)/.dev
	cd src/vegvis && ../../$(VEGVIS) makemessages -l nb --no-obsolete --ignore "testing/*" --ignore "*/tests/*" -v 0
	$(BIN)/python scripts/untranslated.py

## run: set up, migrate, load demo data, and serve http://$(HOST):$(PORT) with a background worker.
run: setup
	$(VEGVIS) migrate --no-input -v 0
	$(VEGVIS) demo
	@echo ""
	@echo "Vegvis runs at http://$(HOST):$(PORT)/ — log in with one of the demo users above."
	@echo "Stop with Ctrl-C."
	@trap 'kill 0' EXIT; $(VEGVIS) worker --interval 2 & $(VEGVIS) runserver $(HOST):$(PORT)

## test: lint, the whole suite on SQLite, and on PostgreSQL when it answers at 127.0.0.1:5432. Fails (non-zero
## exit) when lint or either suite fails; both suites run even when the first fails, so one run reports both.
test: setup-dev browser-deps backup-deps pdf-deps
	@$(MAKE) --no-print-directory lint
	@status=0; \
	if $(BIN)/python scripts/pg_available.py "$(PG_URL)"; then export VEGVIS_BOTH_DATABASES=1; fi; \
	$(MAKE) --no-print-directory test-sqlite || status=1; \
	if $(BIN)/python scripts/pg_available.py "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-postgres || status=1; \
		suites="SQLite and PostgreSQL"; \
	else \
		echo "make test: PostgreSQL did not answer at $(PG_URL); the suite ran on SQLite only."; \
		suites="SQLite"; \
	fi; \
	if [ $$status -ne 0 ]; then echo "make test: FAILED (the suite on $$suites; see the failures above)."; exit 1; fi; \
	echo "make test: the suite passed on $$suites."

test-sqlite:
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -n 2 -q $(PYTEST_ARGS)

test-postgres:
	@echo "== test suite on PostgreSQL ($(PG_URL)) =="
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -q $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy

## backup-deps: pg_dump and pg_restore for `vegvis backup`/`restore` and their tests on PostgreSQL (Debian's package).
backup-deps:
	@command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null)

## pdf-deps: pdftotext, pdfinfo and pdfdetach, which the tests use to read the letters and reports (Debian's poppler-utils).
pdf-deps:
	@command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null && command -v pdfdetach >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)

## browser-deps: Debian's Chromium and ChromeDriver for the browser tests (never a downloaded browser).
browser-deps:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)

bench: setup-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
