# Mötesbot developer tasks (GNU make).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two stamps: running needs only the package; tests and linters add the dev extra.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
PACKAGES := bot commands scheduler storage

.PHONY: all venv run test bench fmt clean

all: test

# Create the virtualenv once; reinstall only when pyproject.toml changes. `make venv` is the
# developer's venv (with test tools); `make run` installs only what running needs.
venv: $(DEV_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e .
	touch $@

# The dev extra includes everything running needs, so it satisfies the run stamp too.
$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[dev]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/motesbot run

test: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict $(PACKAGES)
	$(BIN)/pytest -n auto --dist loadfile

# The dev extra: the PostgreSQL runs borrow tests/postgres.py (which imports pytest).
# The full set takes well over an hour (bench/answer_latency.py alone ~1 h); for a quick look:
# make bench BENCH_ARGS="--quick"  (or "--only answer_latency --quick").
BENCH_ARGS ?=
bench: $(DEV_STAMP)
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

fmt: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
