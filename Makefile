# Set-up and checks. `make run` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest browser-deps wheel-test schemas release bench clean

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

# The browser test (tests/test_explore_browser.py) drives Debian's Chromium with Playwright; a CJK
# font lets its screenshots show Chinese. Installed once, when missing (CI runs as root); without
# apt-get the browser test is skipped, and says so.
BROWSER_PACKAGES := chromium chromium-driver fonts-wqy-zenhei

browser-deps:
	@if dpkg-query -W -f='$${Status}\n' $(BROWSER_PACKAGES) 2>/dev/null | grep -qv 'install ok installed' \
		|| ! dpkg-query -W $(BROWSER_PACKAGES) >/dev/null 2>&1; then \
		if ! command -v apt-get >/dev/null 2>&1; then \
			echo "note: apt-get is not available, so Chromium is not installed; the browser test will be skipped"; \
		else \
			if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
			echo "installing $(BROWSER_PACKAGES) for the browser test"; \
			$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
				--no-install-recommends $(BROWSER_PACKAGES) >/dev/null; \
		fi; \
	fi

pytest: $(STAMP) browser-deps
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

schemas: $(STAMP)
	$(BIN)/policydata schemas export schemas

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_tariffs.py
	$(BIN)/python benchmarks/bench_sectors.py
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_serve.py

clean:
	rm -rf $(VENV) dist build .mypy_cache .ruff_cache .pytest_cache
