# The two commands of the quick start: `make run` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000
# pytest-xdist workers for `make test`: auto is one per CPU core.
TEST_WORKERS ?= auto

.PHONY: run test setup wheel lint format translations extract-messages db clean bench bench-quick mutants

## Set up everything, migrate, load reference and demo data, serve on http://127.0.0.1:5000
run: setup
	FLASK_DEBUG=1 $(FLASK) db upgrade
	FLASK_DEBUG=1 $(FLASK) seed --demo
	FLASK_DEBUG=1 $(FLASK) search update
	FLASK_DEBUG=1 $(FLASK) run --host $(HOST) --port $(PORT)

## Set up everything and run the whole test suite, one pytest-xdist worker per core
## (pass options with ARGS="..."; one test without workers: ARGS="tests/test_app.py -n 0")
test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(ARGS)

## Benchmarks at 1 000, 10 000 and 100 000 documents; writes bench/RESULTS.md (ARGS="--quick")
bench: setup
	$(PY) -m bench $(ARGS)

## The same at 1 000 and 10 000 documents (a few minutes)
bench-quick: setup
	$(PY) -m bench --quick $(ARGS)

setup: $(STAMP) translations

## Build the installable wheel in dist/ for deployment (it compiles the translations into it)
wheel: $(STAMP)
	rm -rf dist
	$(PY) -m pip wheel --no-deps --no-build-isolation --wheel-dir dist .

$(STAMP): pyproject.toml constraints.txt tools/bootstrap-venv.sh
	sh tools/bootstrap-venv.sh $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

translations: $(STAMP)
	$(VENV)/bin/pybabel compile -d portal/translations

extract-messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot --no-location --sort-output .
	$(VENV)/bin/pybabel update -i portal/translations/messages.pot -d portal/translations --ignore-obsolete

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) instance search_index/* .pytest_cache dist

## Mutation testing of the permission rules (slow; not in CI): survivors go in tests/MUTANTS.md
MUTANTS ?= *.x_can_* *.x_require_* portal.api.auth.*
mutants: setup
	$(VENV)/bin/mutmut run $(foreach m,$(MUTANTS),"$(m)")
	$(VENV)/bin/mutmut results

.PHONY: screenshots
## Screenshots of the main pages at 390 and 1280 px into docs/screenshots (demo data in a temp folder)
screenshots: setup
	$(PY) tools/screenshots.py $(ARGS)
