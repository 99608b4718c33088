# Two commands on a fresh Debian machine with python3 and make: `make serve`, `make test`.
# Everything else (the virtualenv, the packages) is set up here, never by hand.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The hash-pinned lock of every runtime and test dependency (pyproject.toml keeps the ranges).
LOCK   := requirements.lock
# Tools that are not the project's dependencies live in a venv of their own, made on demand by
# `make lock` and `make audit` only (never by `make test`), so the project's venv is the lock.
TOOLS  := $(VENV)/tools
PIP_TOOLS ?= pip-tools==7.6.2
PIP_AUDIT ?= pip-audit==2.10.1
# pip-audit's vulnerability database: pypi (PyPI's JSON API), osv or esms.
AUDIT_SERVICE ?= pypi

.PHONY: serve test check build validate lint clean lock audit

HOST ?= 127.0.0.1
PORT ?= 8000

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed: installing Debian's python3-venv (needs root)"; \
	  [ "$$(id -u)" = 0 ] || { echo "run as root, or: apt-get install python3-venv" >&2; exit 1; }; \
	  rm -rf $(VENV); apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && \
	  $(PYTHON) -m venv $(VENV); }

$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $@

$(TOOLS)/bin/python:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -q --upgrade pip

# Re-resolve pyproject.toml (runtime + the test extra) into $(LOCK) with every file's sha256.
# Pins already in $(LOCK) are kept while pyproject.toml allows them; UPGRADE=1 takes the newest.
lock: | $(TOOLS)/bin/python
	$(TOOLS)/bin/python -m pip install -q '$(PIP_TOOLS)'
	CUSTOM_COMPILE_COMMAND="make lock" $(TOOLS)/bin/pip-compile --quiet --generate-hashes \
	  --extra test --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
	  --no-emit-trusted-host $(if $(UPGRADE),--upgrade) -o $(LOCK) pyproject.toml
	@{ printf '%s\n' \
	  '# Hash-pinned runtime and test dependencies of powgraph, for Python 3.11 on Linux' \
	  '# (x86_64 and aarch64: every file of each pinned release is hashed), resolved from' \
	  '# pyproject.toml, which keeps the ranges. `make` installs it with --require-hashes.' \
	  '# Regenerate with `make lock` (pip-compile --generate-hashes --extra test; pins kept)' \
	  '# or `make lock UPGRADE=1` (newest releases the ranges allow). `make audit` audits it.'; \
	  cat $(LOCK); } > $(LOCK).tmp && mv $(LOCK).tmp $(LOCK)

# Audit the lock with pip-audit: no resolution, no install (--disable-pip), and --strict, so a
# package the vulnerability database could not be asked about fails the audit, never passes.
audit: | $(TOOLS)/bin/python
	$(TOOLS)/bin/python -m pip install -q '$(PIP_AUDIT)'
	@log=$$(mktemp); \
	$(TOOLS)/bin/pip-audit -r $(LOCK) --require-hashes --disable-pip --strict \
	  --progress-spinner off -s $(AUDIT_SERVICE) >$$log 2>&1; rc=$$?; cat $$log; \
	if [ $$rc = 0 ]; then echo "make audit: no known vulnerabilities in $(LOCK) ($(AUDIT_SERVICE))"; \
	elif grep -q -E 'could not be audited|ConnectionError|ServiceError|Max retries|timed out' $$log; then \
	  echo "make audit: THE AUDIT COULD NOT RUN: the vulnerability database ($(AUDIT_SERVICE))" \
	    "could not be reached or answered nothing for these packages, so $(LOCK) was NOT" \
	    "checked. Run it where that database is reachable (AUDIT_SERVICE=pypi|osv|esms)." >&2; rc=2; \
	else echo "make audit: known vulnerabilities in $(LOCK), or pip-audit failed (above)" >&2; fi; \
	rm -f $$log; exit $$rc

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

# The unit tier, for every change: no live server, no browser, nothing slow (markers in
# pyproject.toml). Under 30 s on 2 cores. `make test` runs everything.
check: $(STAMP) lint
	$(BIN)/python -m pytest -m "not live and not browser and not slow"

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
