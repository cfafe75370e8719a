# Two commands: `make run` starts everything, `make test` passes the tests. Both set up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run demo test test-fast lint bench clean

$(STAMP): pyproject.toml package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m casework run

# A made-up caseload of both councils, loaded through the API (starts the stack if needed).
demo: install
	$(BIN)/python -m casework demo

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy  # every package and bench/: the list is pyproject.toml [tool.mypy] files
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest tests/unit

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy  # every package and bench/: the list is pyproject.toml [tool.mypy] files

bench: install
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) data test-artifacts
