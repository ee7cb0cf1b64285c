# The two commands of the README: `make demo` and `make test`. Each creates the virtual
# environment in .venv on first use and installs exactly what requirements-dev.txt pins (with
# hashes), so a new release of a dependency cannot change a fresh install; it reinstalls when
# pyproject.toml or the lock changes. `make lock` renews the lock after a change to the
# dependencies in pyproject.toml (`make lock UV_ARGS=--upgrade` takes the newest releases).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# uv.lock is the lock (every platform and Python >= 3.11); pip installs its exports.
EXPORT := $(BIN)/uv export --frozen --no-header --no-emit-project --format requirements.txt

.PHONY: demo test lint typecheck check serve clean lock lock-check

$(STAMP): pyproject.toml requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "vppool needs Python 3.11 or newer (set PYTHON=python3.12 etc.)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

demo: $(STAMP)  ## fresh SQLite database with the S preset, served on http://127.0.0.1:8000
	$(BIN)/vppool demo $(DEMO_ARGS)

test: $(STAMP)  ## the whole test suite (PostgreSQL too when VPPOOL_TEST_POSTGRES_URL is set)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

serve: $(STAMP)
	$(BIN)/vppool serve

lock: $(STAMP)  ## renew uv.lock and its exports after changing the dependencies
	$(BIN)/uv lock $(UV_ARGS)
	$(EXPORT) --no-dev -o requirements.txt
	$(EXPORT) --extra dev --group build -o requirements-dev.txt

lock-check: $(STAMP)  ## CI: the lock matches pyproject.toml and the exports match the lock
	@$(BIN)/uv lock --check --offline || { echo "uv.lock is out of date with pyproject.toml: run 'make lock' and commit uv.lock and requirements*.txt" >&2; exit 1; }
	@$(EXPORT) --no-dev | diff -q requirements.txt - >/dev/null || { echo "requirements.txt differs from uv.lock: run 'make lock'" >&2; exit 1; }
	@$(EXPORT) --extra dev --group build | diff -q requirements-dev.txt - >/dev/null || { echo "requirements-dev.txt differs from uv.lock: run 'make lock'" >&2; exit 1; }
	@echo "uv.lock and requirements*.txt are current"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
