# Two commands matter on a fresh clone: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

LANDING_DIR ?= data/landing
WAREHOUSE_DIR ?= warehouse
DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export LANDING_DIR WAREHOUSE_DIR DAGSTER_HOME
# dbt's manifest: rebuilt by `make setup` whenever a file of the dbt project is newer.
MANIFEST := dbt_project/target/manifest.json
DBT_FILES := $(shell find dbt_project/models dbt_project/macros dbt_project/seeds dbt_project/tests -type f) dbt_project/dbt_project.yml
export GX_ANALYTICS_ENABLED := False
export DAGSTER_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := 1

# Sample data for `make run` (deterministic: same seed, same bytes, nothing new on a re-run).
EVENTS ?= 2000
DAYS ?= 7
START ?= 2026-05-24
SEED ?= 7
OUT ?= $(LANDING_DIR)

.PHONY: setup run pipeline rebuild dev docs generate rollback chaos fuzz bench bench-smoke bench-entities eval-entities test test-fast test-integration lint manifest clean help

help:
	@echo "make run       set up, land the bundled sample data, run the pipeline once, print a summary"
	@echo "make test      set up and run the whole test suite"
	@echo "make test-fast the unit tests only (under a minute)"
	@echo "make lint      ruff (lint and format check), mypy --strict, sqlfluff on the dbt models"
	@echo "make pipeline  run the pipeline once over \$$LANDING_DIR into \$$WAREHOUSE_DIR"
	@echo "make rebuild   the pipeline with dbt --full-refresh (after changing an incremental model)"
	@echo "make dev       the Dagster UI on the same definitions"
	@echo "make docs      DOCS_PORT=8080: generate and serve the dbt docs (with the warehouse's catalog)"
	@echo "make generate  EVENTS=N DAYS=D START=YYYY-MM-DD SEED=S OUT=DIR: sample JSONL exports"
	@echo "make rollback  put the previous published version back (atomic)"
	@echo "make chaos     kill the pipeline at every fault point and 50 random moments (persistent instance), re-run, compare"
	@echo "make bench     BENCH_SCALE=x: pipeline vs DuckDB floor at 10k/100k/1M events (x scales them); SCALE=10 adds 10M"
	@echo "make bench-entities  the entity resolver on 100k synthetic distinct spellings + a 10k day"
	@echo "make eval-entities  entity resolution scored on the labelled set (precision, recall, merges)"
	@echo "make fuzz      FUZZ_SECONDS=N: coverage-guided fuzzing of both parsers (atheris)"

setup: $(STAMP) $(DAGSTER_HOME)/dagster.yaml $(MANIFEST)

# The pinned stack: pyproject.toml names direct dependencies; requirements/constraints.txt pins
# every package (unpinned, pip backtracks to ancient dagster-dbt / dbt-core).
$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev,ui]"
	touch $@

# A separate environment with the DuckDB 1.4 LTS client that many BI drivers bundle: the tests
# open every published file with it (the file is written with storage version v1.4.0).
DUCKDB14_VENV := .venv-duckdb14
DUCKDB14_VERSION := 1.4.4
$(DUCKDB14_VENV)/.installed:
	test -x $(DUCKDB14_VENV)/bin/python || $(PYTHON) -m venv $(DUCKDB14_VENV)
	$(DUCKDB14_VENV)/bin/python -m pip install --quiet "duckdb==$(DUCKDB14_VERSION)" "pytz==2026.6"  # pytz: its timestamptz values
	touch $@

# mypy in an environment of its own (requirements/mypy.txt says why); it reads the project's
# packages from $(VENV) through --python-executable.
LINT_VENV := .venv-lint
$(LINT_VENV)/.installed: requirements/mypy.txt
	test -x $(LINT_VENV)/bin/python || $(PYTHON) -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install --quiet -r requirements/mypy.txt
	touch $@

$(DAGSTER_HOME)/dagster.yaml: orchestration/instance/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp $< $@

# dbt parse writes it; the Dagster definitions read it (they never parse the project on import).
$(MANIFEST): $(STAMP) $(DBT_FILES)
	cd dbt_project && WAREHOUSE_DB_PATH=:memory: ../$(BIN)/dbt parse --quiet --profiles-dir .
	touch $@

manifest: $(MANIFEST)

generate: setup
	$(BIN)/python -m tools.sample_data --events $(EVENTS) --days $(DAYS) --start $(START) --seed $(SEED) --out $(OUT)

run: setup
	$(MAKE) --no-print-directory generate OUT=$(LANDING_DIR)
	mkdir -p $(LANDING_DIR)/samples
	cp data/samples/event-page-7367235.txt data/samples/event-7367235.jsonl $(LANDING_DIR)/samples/
	$(MAKE) --no-print-directory pipeline

pipeline: setup
	$(BIN)/python -m orchestration.run_pipeline

# Rebuild the incremental dbt models from all of raw (after changing one of them), then publish.
rebuild: setup
	DBT_FULL_REFRESH=1 $(BIN)/python -m orchestration.run_pipeline

rollback: setup
	$(BIN)/python -m orchestration.publish.rollback

chaos: setup
	$(BIN)/python -m tests.chaos.harness --random $(or $(CHAOS_RANDOM),50) --seed $(or $(CHAOS_SEED),1)

# Coverage-guided fuzzing (atheris) of the page parser and the export loader, FUZZ_SECONDS each.
fuzz: setup
	$(BIN)/python -m tests.fuzz.run page $(or $(FUZZ_SECONDS),60)
	$(BIN)/python -m tests.fuzz.run export $(or $(FUZZ_SECONDS),60)

# The pipeline against DuckDB's floor at 10k / 100k / 1M events (BENCH_SCALE multiplies them),
# a 1k-event day against the cost of importing the stack, and a file through the sensor; SCALE=10
# adds a 10M-event history (hours): prints a table, writes bench/results/<date>.json and
# docs/performance.md.
bench: setup
	$(BIN)/python -m bench.run --scale $(or $(BENCH_SCALE),1.0) $(if $(filter 10,$(SCALE)),--with-10m)

# The entity resolver alone on 100k synthetic distinct spellings, then 10k more (a day).
bench-entities: setup
	$(BIN)/python -m bench.entity_resolution

# CI's smoke run of the benchmark (2k events at the "1M" step), outside the repository's results.
bench-smoke: setup
	rm -rf /tmp/bench-smoke
	$(BIN)/python -m bench.run --scale 0.002 --work /tmp/bench-smoke --out /tmp/bench-smoke/results --doc /tmp/bench-smoke/performance.md

# Entity resolution scored against the labelled set (tests/fixtures/entity_eval): pairwise
# precision / recall / F1 per entity type, every wrong and missed merge.
# EVAL_LABELS=<csv>: another labelled set (e.g. the held-out one) instead of the default.
eval-entities: setup
	$(BIN)/python -m tools.entity_eval $(if $(EVAL_LABELS),--labels $(EVAL_LABELS))

dev: setup
	$(BIN)/dagster dev -m orchestration.definitions

# dbt docs of the project, with the working warehouse's catalog when there is one (stop a running
# pipeline first: DuckDB has one writer), served on http://127.0.0.1:$(DOCS_PORT). Each publish
# also ships them, offline, in $(WAREHOUSE_DIR)/site/dbt-docs/index.html.
DOCS_PORT ?= 8080
WORKING_DB := $(abspath $(WAREHOUSE_DIR))/warehouse.duckdb
docs: setup
	cd dbt_project && WAREHOUSE_DB_PATH=$(if $(wildcard $(WORKING_DB)),$(WORKING_DB),:memory:) ../$(BIN)/dbt docs generate --quiet --profiles-dir .
	@echo "dbt docs on http://127.0.0.1:$(DOCS_PORT) (Ctrl-C stops)"
	cd dbt_project && ../$(BIN)/dbt docs serve --profiles-dir . --host 127.0.0.1 --port $(DOCS_PORT) --no-browser

# Configured in pyproject.toml ([tool.ruff], [tool.mypy]) and dbt_project/.sqlfluff.
lint: setup $(LINT_VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(LINT_VENV)/bin/mypy --python-executable $(BIN)/python
	$(BIN)/sqlfluff lint dbt_project/models

# The suite runs on every core (pytest-xdist; TEST_WORKERS=1 runs it in one process). A test
# file stays on one worker: its module fixtures (a built warehouse, a crash reference, a
# PostgreSQL database) are built once.
TEST_WORKERS ?= auto
PYTEST_PARALLEL = -n $(TEST_WORKERS) --dist loadfile

test: setup $(DUCKDB14_VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

# The edit loop: the unit tests only (pure, no dbt build), in well under a minute.
test-fast: setup
	$(BIN)/python -m pytest tests/unit -q

test-integration: setup $(DUCKDB14_VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) tests/integration

clean:
	rm -rf $(LANDING_DIR) warehouse/*.duckdb* warehouse/exports warehouse/versions warehouse/dbt_state .dagster_home dbt_project/target dbt_project/logs
