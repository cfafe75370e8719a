# Two commands: `make run` starts everything, `make test` passes the tests. Both set up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_PROCESSES ?= 2

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
	# Two processes, a test file never split between them (its module fixtures are set up
	# once): much of the suite waits on Temporal, HTTP and subprocesses, so two keep both
	# cores busy. Each process has its own Temporal servers; stores are per test.
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile

test-fast: install
	$(BIN)/python -m pytest tests/unit

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy  # every package and bench/: the list is pyproject.toml [tool.mypy] files

bench: install
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) data test-artifacts
