# The two commands: `make run` (portal with demo data, web server + Celery worker) and
# `make test` (the whole suite). Both create or update .venv first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | md5sum | cut -c1-12)
VENDOR_STAMP := static/vendor/.installed-$(shell cat package.json package-lock.json | md5sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: run test install lock vendor migrate lint format messages clean benchmark mutants proof

install: $(STAMP) $(VENDOR_STAMP)

# The exact versions (and hashes) CI tested, from requirements.lock, then the project itself
# without resolving anything again. README "Dependencies and the lock file" says how to update it.
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

# Bootstrap, htmx and Chart.js at the versions pinned in package-lock.json, copied under static/vendor/.
$(VENDOR_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/chartjs
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	# The source maps the minified files name: collectstatic's manifest storage follows the reference.
	cp node_modules/bootstrap/dist/css/bootstrap.min.css.map node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp node_modules/bootstrap/LICENSE static/vendor/bootstrap/LICENSE
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE static/vendor/htmx/
	# Chart.js for the staff statistics dashboard only (its source map is not vendored, so the file's
	# sourceMappingURL comment is removed for collectstatic's manifest storage).
	sed '/^\/\/# sourceMappingURL=/d' node_modules/chart.js/dist/chart.umd.min.js > static/vendor/chartjs/chart.umd.min.js
	cp node_modules/chart.js/LICENSE.md static/vendor/chartjs/LICENSE.md
	touch $@

vendor: $(VENDOR_STAMP)

# Pin again after a change to pyproject.toml's dependencies: pip-compile (pip-tools, run from
# a throwaway virtualenv, not a dependency of the project) keeps every pin it can and adds
# the hashes. `make lock UPGRADE=1` moves every pin to the newest allowed version.
lock:
	test -x var/piptools/bin/pip-compile || ($(PYTHON) -m venv var/piptools && var/piptools/bin/pip install --quiet pip-tools)
	var/piptools/bin/pip-compile --quiet --extra=dev --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade) \
		--output-file=requirements.lock pyproject.toml

messages: $(STAMP)
	@if [ -d locale ] && command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0; else echo "English translations not compiled (no locale/ or no msgfmt)"; fi

migrate: install messages
	$(PY) manage.py migrate --no-input

# collectstatic leaves brotli and gzip copies of the static files under var/static, which the
# development server sends compressed (bp3mi/static.py).
run: migrate
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py seed_demo --if-empty
	$(VENV)/bin/honcho -f Procfile.dev start

# pytest exits 5 when it collected no test: that is a failure here, not a pass.
test: install messages
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || (echo "models changed without a migration" && exit 1)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -c pyproject.toml -r . -q
	$(VENV)/bin/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Each script under benchmarks/ builds its own data set in its own database (bp3mi_bench_<name>
# next to DATABASE_URL's PostgreSQL, else var/bench_<name>.sqlite3), at a reduced size (each
# script's --full gives the full one), and prints its figures; none runs in the test suite.
# benchmarks/harness.py is the scripts' shared module, not a benchmark; benchmarks/loadtest/
# holds the locust users that benchmarks/load.py runs.
benchmark: install
	@for script in $(filter-out benchmarks/harness.py,$(wildcard benchmarks/*.py)); do \
		echo "== $$script"; $(PY) $$script || exit 1; done

# Faults injected into a stack of its own (PostgreSQL, Redis, gunicorn, Celery worker and beat
# under var/faults/, on ports 5499, 6399 and 8599): a killed worker, Redis stopped, PostgreSQL
# restarted, stopped and hung. Each scenario prints what happened and checks that nothing was
# lost or duplicated; a few minutes. PROOF_ARGS="redis" runs some of them.
proof: install messages
	$(PY) benchmarks/faults/run.py $(PROOF_ARGS)

# Deliberate bugs applied one at a time to a copy of the tree: each must make a test fail.
mutants: install messages
	$(PY) scripts/mutants.py

clean:
	rm -rf $(VENV) node_modules static/vendor var
