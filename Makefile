# Set-up and checks. `make run` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest wheel-test schemas release bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/policydata overview

lint: $(STAMP)
	$(BIN)/ruff check policydata tests benchmarks hatch_build.py
	$(BIN)/ruff format --check policydata tests benchmarks hatch_build.py

typecheck: $(STAMP)
	$(BIN)/mypy policydata

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

schemas: $(STAMP)
	$(BIN)/policydata schemas export schemas

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_tariffs.py
	$(BIN)/python benchmarks/bench_sectors.py
	$(BIN)/python benchmarks/bench_validate.py

clean:
	rm -rf $(VENV) dist build .mypy_cache .ruff_cache .pytest_cache
