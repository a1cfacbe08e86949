# greenstats: `make` alone prints this menu. Two commands set everything up on a fresh machine:
#   make report   (main job on the sample in data/raw)      make test   (ruff + the whole test suite)
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.greenstats-installed
EXTRAS ?= report,test,dev

.PHONY: help install report test lint format lab bench fixtures sample clean

help: ## print this menu
	@echo "greenstats — make targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	@touch $(STAMP)

install: $(STAMP) ## create .venv (if absent) and install greenstats with its extras

report: $(STAMP) ## run the main job on data/raw; prints where the HTML index is
	$(BIN)/greenstats run --raw data/raw --processed data/processed --reports reports

test: $(STAMP) ## ruff, then the whole test suite (pytest)
	$(BIN)/ruff check greenstats tests benchmarks data
	$(BIN)/ruff format --check greenstats tests benchmarks data
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## ruff check only
	$(BIN)/ruff check greenstats tests benchmarks data

format: $(STAMP) ## ruff format and autofix
	$(BIN)/ruff format greenstats tests benchmarks data
	$(BIN)/ruff check --fix greenstats tests benchmarks data

lab: $(STAMP) ## open JupyterLab on notebooks/ (installs the lab extra)
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS),lab]"
	$(BIN)/jupyter lab notebooks

bench: $(STAMP) ## run every benchmark script in benchmarks/ and print its figures
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

fixtures: $(STAMP) ## regenerate the test fixtures in tests/data/fixtures
	$(BIN)/python tests/fixtures/make_fixtures.py

sample: $(STAMP) ## regenerate the SIMULATED sample workbooks in data/raw
	$(BIN)/python data/make_sample.py

clean: ## remove outputs (data/processed, reports) and caches; keeps .venv
	rm -rf reports .pytest_cache .ruff_cache .hypothesis
	find data/processed -mindepth 1 ! -name README.md -delete
