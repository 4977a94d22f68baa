# Lika — the two commands: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
HOUSEHOLDS ?= 200
# PostgreSQL for the second run of the suite; .ci/run sets LIKA_REQUIRE_POSTGRES=1.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: demo test lint messages unit test-sqlite test-postgres bench bench-payments bench-statistics bench-grants bench-load serve clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	mkdir -p var/static
	$(BIN)/lika migrate --no-input
	$(BIN)/lika seed-demo --households $(HOUSEHOLDS) --seed 1 --if-empty
	@echo "Lika körs på http://$(HOST):$(PORT)/  (Ctrl-C avslutar)"
	LIKA_ESERVICE_DEMO_LOGIN=1 LIKA_BENEFIT_SOURCES=lika.datacollection.simulated.ALL_SOURCES $(BIN)/lika runserver --insecure $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check lika tests bench
	$(BIN)/lint-imports
	$(BIN)/lika check --fail-level WARNING
	$(BIN)/lika makemigrations --check --dry-run

test-sqlite: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider --durations=25

test-postgres: $(STAMP)
	@if $(BIN)/python -m tests.pg_available "$(TEST_DATABASE_URL)"; then \
		DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest -q -p no:cacheprovider --durations=25 -m "not browser or both_engines"; \
	elif [ "$$LIKA_REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL krävs (LIKA_REQUIRE_POSTGRES=1) men nås inte på $(TEST_DATABASE_URL)"; exit 1; \
	else \
		echo "PostgreSQL nås inte på $(TEST_DATABASE_URL): PostgreSQL-körningen hoppas över"; \
	fi

# The SQLite pass (with the browser tests) and the PostgreSQL pass use separate databases and
# run side by side, one per core; each pass's output is printed whole when it ends.
test: lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# The English catalogue of the pages (lika/locale/en): extract, then translate what is new
# (tests/web/test_i18n.py fails on an empty or fuzzy entry).  The e-service has its own
# catalogues (docs/eservice.md).
messages: $(STAMP)
	cd lika && DJANGO_SETTINGS_MODULE=lika.config.settings_messages ../$(BIN)/lika makemessages -l en --ignore 'eservice/*' --ignore 'config/locale'
	sed -i '/^#| /d' lika/locale/en/LC_MESSAGES/django.po
	cd lika && ../$(BIN)/lika compilemessages -l en

bench: $(STAMP)
	$(BIN)/python -m bench.bench_core --processes 2 --json var/bench-core.json

# The payment run at 100 000 households on PostgreSQL (docs/benchmarks.md); the database
# name must contain "bench": its tables are emptied.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lika_bench
bench-payments: $(STAMP)
	mkdir -p var
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python -m bench.bench_payments --households 100000 --json var/bench-payments.json

# The statistics pages and exports over 10 years of payments for 100 000 households a month
# on PostgreSQL (docs/benchmarks.md).  The first run generates the data (about an hour);
# later runs reuse it.  The database's name must contain "bench": it is dropped and made
# again when it holds other data.
STATS_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lika_stats_bench
bench-statistics: $(STAMP)
	mkdir -p var
	$(BIN)/python -m bench.bench_statistics --households 100000 --years 10 --reuse \
		--database-url "$(STATS_BENCH_DATABASE_URL)" --json var/bench-statistics.json

# The 3R report pages over 5 000 associations × 10 years of attendance counts (about 50
# million deltagartillfällen) on PostgreSQL (docs/benchmarks.md).  The database's name must
# contain "bench": its grants tables are emptied.  --reuse keeps data already loaded.
GRANTS_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lika_grants_bench
bench-grants: $(STAMP)
	mkdir -p var
	$(BIN)/python -m bench.bench_three_r --associations 5000 --years 10 --reuse \
		--database-url "$(GRANTS_BENCH_DATABASE_URL)" --json var/bench-grants.json

# A unit's day under load (docs/benchmarks.md, issue 18): 50 case workers and 5 analysts
# for 10 minutes against gunicorn and PostgreSQL on this machine, the demo at 10 000
# households with 2 000 open cases.  Installs locust (requirements-bench.txt; never in CI).
# The first run seeds a template database <name>_seed (several minutes); every run starts
# from a fresh copy of it.  The database's name must contain "bench": it is made again.
LOAD_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lika_load_bench
LOAD_MINUTES ?= 10
bench-load: $(STAMP)
	$(BIN)/pip install --quiet -r requirements-bench.txt
	mkdir -p var
	$(BIN)/python -m bench.bench_load --households 10000 --cases 2000 --seed 1 --minutes $(LOAD_MINUTES) \
		--users 50 --analysts 5 --workers 3 --reuse \
		--database-url "$(LOAD_BENCH_DATABASE_URL)" --json var/bench-load.json

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
