# SafetyOps: `make run` serves the demo on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := safetyops

.PHONY: run test install install-test lint typecheck fmt messages catalogs clean vendor

# Compiled translations (.mo) and the browser's catalogs (static/i18n/) are built, never
# committed: a fresh clone gets them from `make install`, a wheel from setup.py.
PO_FILES := $(wildcard safetyops/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# PostgreSQL's driver, gunicorn and Redis's client: production and `make cluster` (the
# SQLite default of `make run` needs none of them; the test extras include them).
$(VENV)/.installed-server: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[postgresql,server]'
	touch $@

install: $(VENV)/.installed catalogs
install-test: $(VENV)/.installed-test catalogs

catalogs: $(MO_FILES) static/i18n/en.js

$(MO_FILES) static/i18n/en.js &: $(PO_FILES) | $(VENV)/.installed
	$(BIN)/python -m safetyops.core.catalogs compile

run: install
	$(BIN)/safetyops db upgrade
	$(BIN)/safetyops demo --if-empty
	@echo "SafetyOps on http://$(HOST):$(PORT)/ with its scheduler (Ctrl-C stops both)"
	@# The scheduler is its own process (never inside the web server); it stops with it.
	$(BIN)/safetyops scheduler & SCHEDULER=$$!; \
	trap 'kill $$SCHEDULER 2>/dev/null' EXIT INT TERM; \
	SAFETYOPS_BASE_URL=http://$(HOST):$(PORT) \
	$(BIN)/safetyops run --host $(HOST) --port $(PORT) --debug --no-reload

# Two workers (pytest-xdist): the SQLite tests on one, the PostgreSQL tests on the other
# (tests/conftest.py's scheduler). TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= 2
test: install-test
	$(BIN)/pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadscope) $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check safetyops tests bench
	$(BIN)/ruff format --check safetyops tests bench
	$(BIN)/mypy

typecheck: install-test
	$(BIN)/mypy

fmt: install-test
	$(BIN)/ruff format safetyops tests bench
	$(BIN)/ruff check --fix safetyops tests bench

messages: install
	@# pybabel extract (Python, templates, static/js with _t) -> update es, vi... -> compile
	$(BIN)/python -m safetyops.core.catalogs messages

cluster: $(VENV)/.installed-server install
	@# compose.yaml's topology without containers: two gunicorn nodes behind a round-robin
	@# proxy on $(PORT) and two schedulers (one active). Needs SAFETYOPS_DATABASE_URL
	@# (PostgreSQL), SAFETYOPS_SECRET_KEY and Redis on 127.0.0.1:6379.
	$(BIN)/python scripts/local_cluster.py --port $(PORT)

vendor:
	@# Third-party browser files into static/vendor/ (Swagger UI for /api/docs); needs npm.
	bash scripts/vendor.sh

clean:
	rm -rf $(VENV) instance/*.db .pytest_cache
