# The two commands of the README: `make demo` and `make test`. Each creates the virtual
# environment in .venv on first use and reinstalls when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck check serve clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "vppool needs Python 3.11 or newer (set PYTHON=python3.12 etc.)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
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

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
