# The two commands a newcomer needs: `make run` and `make test`. Everything they need installs from here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export ERP_HOME ?= $(CURDIR)/var
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
# The demo company (`erp demo`): volume factor and seed; a store that already holds data is left as it is.
DEMO_SCALE ?= 1
DEMO_SEED ?= 2026

.PHONY: install kernels run test lint format demo build serve clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) kernels

## The MRP kernels compiled ahead of time for the current sources (erp/planning/compiled.py); quick when built.
kernels: $(STAMP)
	$(BIN)/python -m erp.planning.aot

## Run the ERP on the demo company (embedded SQLite + DuckDB, nothing else to install).
run: demo build serve

demo: $(STAMP)
	$(BIN)/erp init --company "华东泵业有限公司" --admin-password-file seeds/demo-admin-password.txt
	$(BIN)/erp demo --if-empty --scale $(DEMO_SCALE) --seed $(DEMO_SEED)

build: $(STAMP) kernels
	$(BIN)/erp build

serve: $(STAMP)
	$(BIN)/erp serve

## Run every test, ruff included.
test: $(STAMP) lint kernels
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var dbt_project/target dbt_project/logs
