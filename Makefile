# HealthID VN — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := .demo

.PHONY: help demo test check lint format typecheck clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	@touch $@

demo: $(STAMP) ## Set up a registry in .demo/, issue and verify IDs, then serve the API with demo accounts
	@mkdir -p $(DEMO_DIR)
	@cd $(DEMO_DIR) && ../$(BIN)/healthid init
	@cd $(DEMO_DIR) && ../scripts/demo.sh ../$(BIN)/healthid
	@# A synthetic BHXH extract through the sync: people, linked duplicates, a review queue.
	@cd $(DEMO_DIR) && ../$(BIN)/healthid synth bhxh --persons 300 --seed 7 --out bhxh
	@cd $(DEMO_DIR) && ../$(BIN)/healthid sync bhxh bhxh/bhxh.csv
	@# In CI (no one to use the server) seed and print, then stop.
	@cd $(DEMO_DIR) && ../$(BIN)/healthid demo $(if $(CI),--no-serve,)

test: $(STAMP) ## Run the whole test suite (PostgreSQL too when HEALTHID_TEST_POSTGRES_URL is set)
	@# pytest exits 5 when it collects nothing; that is not a failure of the code.
	@$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

check: lint typecheck ## Lint, type-check and check the layering contracts
	$(BIN)/lint-imports

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP) ## mypy --strict
	$(BIN)/mypy

format: $(STAMP) ## Rewrite the code in the project's format
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

clean: ## Remove the venv, the demo registry and caches
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache .hypothesis
