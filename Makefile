# SocialCRM: every target sets itself up (virtualenv + install) on a fresh machine.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && { echo $$p; break; }; done)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install run test test-live lint typecheck lock contract-live bench plugin clean

# Installs are reproducible: every package version comes from constraints.txt.
$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

install: $(STAMP)

## Start the whole system on its embedded defaults (embedded Redis, seeded sandboxes).
run: $(STAMP)
	$(VENV)/bin/socialcrm run

## Lint, type-check, then run the whole test suite (starts its own Redis server and sandboxes).
## Tests run in parallel, four pytest-xdist workers (most tests wait on servers and
## processes, so even 2 CPUs keep four busy); each worker starts its own Redis and
## sandboxes. TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= 4
test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -q -n $(TEST_WORKERS)

lint: $(STAMP)
	$(PY) -m ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy

## Refresh constraints.txt (the pinned versions every install uses) from pyproject.toml.
lock:
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet pip-tools
	$(VENV)-lock/bin/pip-compile --quiet --upgrade --extra test --strip-extras \
		--no-emit-index-url --no-emit-find-links --output-file constraints.txt pyproject.toml
	rm -rf $(VENV)-lock

## Run the live suites (plugin install, records, notices, UI in Chromium, contract and
## differential checks) against the real SuiteCRM named by the SUITECRM_* settings.
test-live: $(STAMP)
	SOCIALCRM_LIVE=1 SOCIALCRM_CONTRACT_TARGET=live $(PY) -m pytest -q tests/live tests/contract

## Run the SuiteCRM contract tests against the SuiteCRM named by SUITECRM_URL.
contract-live: $(STAMP)
	SOCIALCRM_CONTRACT_TARGET=live $(PY) -m pytest -q tests/contract

## Measure and write the figures to BENCHMARKS.md.
bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) $(VENV)-lock build dist *.egg-info .pytest_cache .ruff_cache
