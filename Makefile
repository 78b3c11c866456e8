# crosscheck — two commands on a fresh machine:  make verify   |   make test
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LEAN   ?= auto
LEAN_TIMEOUT ?= 3600
SEED   ?=
OUT    ?= reports
SEED_ARG := $(if $(SEED),--seed $(SEED),)

.PHONY: verify test test-slow lean report bench doctor clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## verify: run every claim (Lean stage + numerics) and write reports/index.html, results.json, junit.xml
verify: $(STAMP)
	LEAN_TIMEOUT=$(LEAN_TIMEOUT) $(VENV)/bin/crosscheck verify --lean $(LEAN) --out $(OUT) $(SEED_ARG)

## test: the fast test suite (slow cases are marked and run by test-slow)
test: $(STAMP)
	$(PY) -m pytest -q

test-slow: $(STAMP)
	$(PY) -m pytest -q -m slow

## lean: build the Lean package (needs elan; see lean/README.md)
lean: $(STAMP)
	$(VENV)/bin/crosscheck lean build --lean-timeout $(LEAN_TIMEOUT)

## report: alias of verify (the report is always written by verify)
report: verify

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

doctor: $(STAMP)
	$(VENV)/bin/crosscheck doctor

clean:
	rm -rf $(OUT) .pytest_cache .hypothesis build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
