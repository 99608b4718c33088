# Two commands on a fresh Debian machine with python3 and make: `make serve`, `make test`.
# Everything else (the virtualenv, the packages) is set up here, never by hand.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve test build validate lint clean

HOST ?= 127.0.0.1
PORT ?= 8000

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed: installing Debian's python3-venv (needs root)"; \
	  [ "$$(id -u)" = 0 ] || { echo "run as root, or: apt-get install python3-venv" >&2; exit 1; }; \
	  rm -rf $(VENV); apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && \
	  $(PYTHON) -m venv $(VENV); }

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

serve: $(STAMP)
	$(BIN)/powgraph build
	$(BIN)/powgraph release
	$(BIN)/powgraph serve --host $(HOST) --port $(PORT)

build: $(STAMP)
	$(BIN)/powgraph build

validate: $(STAMP)
	$(BIN)/powgraph validate

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/python -m pytest

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
