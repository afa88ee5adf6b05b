# connect-numbers — every command sets up what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip --disable-pip-version-check --quiet

.PHONY: serve test lint typecheck pytest pytest-sqlite pytest-postgres bench clean

# serve's port and database, from make's command line only (PORT and DB in the
# environment often mean something else): make serve PORT=4600 DB=sqlite:///tmp/x.db
from_command_line = $(if $(filter command line,$(origin $(1))),$($(1)),$(2))
SERVE_PORT := $(call from_command_line,PORT,4590)
SERVE_DB   := $(call from_command_line,DB,)

## serve: start the server on 127.0.0.1:4590 (PORT=) with the user's SQLite file, shared
## by every server of this user (DB= another database URL); it prints both as it starts
serve: $(VENV)/.runtime
	$(BIN)/connect-numbers serve --port $(SERVE_PORT) $(if $(SERVE_DB),--db '$(SERVE_DB)')

## test: lint, type check and run every test (on SQLite, then on PostgreSQL)
test: $(VENV)/.dev lint typecheck pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.dev
	$(BIN)/mypy

pytest: pytest-sqlite pytest-postgres

# The console's browser tests need Chromium: installed here when missing; without it they
# are skipped with the reason, except under CI, where they fail.
pytest-sqlite: $(VENV)/.dev
	@scripts/ensure-chromium || { echo "!!! the console's browser tests will be skipped (see above)."; [ -z "$$CI" ] || exit 1; }
	$(BIN)/pytest $(PYTEST_ARGS)

# The integration and end-to-end suites again, on a throwaway PostgreSQL cluster.
pytest-postgres: $(VENV)/.dev
	@if scripts/ensure-postgres; then \
		$(BIN)/pytest tests/integration tests/e2e --connect-numbers-db=postgresql $(PYTEST_ARGS); \
	else \
		echo "!!! SKIPPED: the PostgreSQL suite did not run (see above). Install postgresql to run it."; \
		[ -z "$$CI" ] || exit 1; \
	fi

## bench: throughput and latency against a trivial endpoint of the same stack
bench: $(VENV)/.bench
	$(BIN)/python -m bench $(BENCH_ARGS)

$(VENV)/.runtime: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r requirements.lock
	$(PIP) install --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(PIP) install --require-hashes -r requirements-dev.lock
	touch $@

$(VENV)/.bench: requirements-bench.lock $(VENV)/.dev
	$(PIP) install --require-hashes -r requirements-bench.lock
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
