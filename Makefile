# Evaluation of BP2MI cooperation agreements. `make help` lists the targets.
# Set-up is automatic: every target that needs Python depends on .venv, which installs
# the pinned packages (requirements.lock), the plotly.js bundle (scripts/plotlyjs, npm) and
# checks for a Chromium.

.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON_BOOT ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EVAL := $(VENV)/bin/evaluation
STAMP := $(VENV)/.installed
RAW ?= data/raw
PROCESSED ?= data/processed
REPORTS ?= reports
AS_OF ?=
LANG_REPORT ?= id

SRC := $(shell find src/evaluation -type f \( -name '*.py' -o -name '*.toml' -o -name '*.tpl' -o -name '*.css' -o -name '*.j2' \) 2>/dev/null)
RAW_FILES := $(wildcard $(RAW)/*.xlsx $(RAW)/*.xlsm $(RAW)/*.ods $(RAW)/*.csv)
NOTEBOOKS := $(wildcard notebooks/*.ipynb)

.PHONY: help setup data report test test-fast lint format clean clean-reports lab template sample bench notebook

help: ## Show this help
	@echo "Usage: make <target>   (the first run sets everything up by itself)"
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock scripts/setup.sh scripts/setup_plotlyjs.sh scripts/plotlyjs/package-lock.json
	@bash scripts/setup.sh "$(PYTHON_BOOT)" "$(VENV)"
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv, install pinned packages and plotly.js (npm), check Chromium (automatic)

data: $(STAMP) ## Ingest data/raw into typed tables in data/processed
	$(EVAL) ingest --raw $(RAW) --out $(PROCESSED)

# `make report` reruns only when an input workbook, a notebook, the library, the vocabulary or
# the translations changed since the last successful run (a stamp file per as_of/language).
# Force a rebuild with `make -B report`.
TODAY := $(shell date +%F)
REPORT_STAMP := $(REPORTS)/.stamp-$(if $(AS_OF),$(AS_OF),default-$(TODAY))-$(LANG_REPORT)

report: $(REPORT_STAMP) ## Build the evaluation report (HTML + PDF) into reports/<as_of>/ (AS_OF=YYYY-MM-DD LANG_REPORT=en)

$(REPORT_STAMP): $(STAMP) $(RAW_FILES) $(NOTEBOOKS) $(SRC)
	$(EVAL) report --raw $(RAW) --out $(REPORTS) --processed $(PROCESSED) $(if $(AS_OF),--as-of $(AS_OF)) --lang $(LANG_REPORT)
	@touch $@

sample: $(STAMP) ## Regenerate the bundled synthetic sample in data/raw
	$(EVAL) sample --scale 1 --out $(RAW)

template: $(STAMP) ## Write a blank input workbook to templates/template_perjanjian.xlsx
	$(EVAL) template templates/template_perjanjian.xlsx

# The tests run on TEST_WORKERS processes (pytest-xdist, in the lock; `auto`: one per core);
# tests that share an expensive build stay on one worker (tests/workers.py). TEST_WORKERS=0
# runs them in one process, as plain `pytest` does.
TEST_WORKERS ?= auto
HAS_XDIST = $(shell $(PY) -c 'import xdist' 2>/dev/null && echo yes)
XDIST = $(if $(filter 0,$(TEST_WORKERS)),,$(if $(HAS_XDIST),-n $(TEST_WORKERS) --dist loadgroup))

test: $(STAMP) ## Run the whole test suite (includes the end-to-end report test); prints the 15 slowest
	$(PY) -m pytest $(XDIST) --durations=15

test-fast: $(STAMP) ## Run the tests except the slow end-to-end ones
	$(PY) -m pytest $(XDIST) -m "not e2e"

lint: $(STAMP) ## Lint code (ruff), check the stages' import layers and that notebooks hold no outputs
	$(VENV)/bin/ruff check src tests scripts
	$(VENV)/bin/ruff format --check src tests scripts
	PYTHONPATH=src $(VENV)/bin/lint-imports --no-cache
	$(PY) -m evaluation.authoring.notebook_hygiene notebooks

format: $(STAMP) ## Format code with ruff
	$(VENV)/bin/ruff format src tests scripts
	$(VENV)/bin/ruff check --fix src tests scripts

$(PROCESSED)/manifest.json: $(STAMP) $(RAW_FILES)
	$(EVAL) ingest --raw $(RAW) --out $(PROCESSED)

lab: $(STAMP) $(PROCESSED)/manifest.json ## Start JupyterLab on notebooks/ (data ingested first; kernel "Python (evaluation)")
	$(PY) -m ipykernel install --sys-prefix --name evaluation --display-name "Python (evaluation)" >/dev/null
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

notebook: ## Start your own analysis notebook: notebooks/NAME.ipynb (from notebooks/contoh/), run by `make report`
	@test -n "$(NAME)" || { echo "Give a name: make notebook NAME=analisis_saya"; exit 2; }
	@test ! -e "notebooks/$(NAME).ipynb" || { echo "notebooks/$(NAME).ipynb already exists"; exit 2; }
	@cp notebooks/contoh/analisis_sendiri.ipynb "notebooks/$(NAME).ipynb"
	@echo "Created notebooks/$(NAME).ipynb: open it with 'make lab'; 'make report' puts it in reports/<date>/analis/"

bench: $(STAMP) ## Benchmarks: main report vs its toolchain floor, and the whole pack (BENCH_ARGS="--figures 1,2,3,4,5,6" for all)
	$(PY) scripts/bench.py $(if $(BENCH_ARGS),$(BENCH_ARGS),--figures 2,6)

# `make clean` keeps the past reports: each holds the data snapshot that the next evaluation's
# "changes since the previous evaluation" compares with. `make clean-reports` removes them,
# after asking (no answer, e.g. without a terminal, removes nothing).
clean: ## Remove processed data and caches (keeps data/raw, .venv and the past reports in reports/)
	rm -rf $(PROCESSED)/*.parquet $(PROCESSED)/*.csv $(PROCESSED)/*.json $(REPORTS)/.stamp-* $(REPORTS)/.staging-* .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

clean-reports: ## Remove every past report in reports/ (asks first: y/n)
	@n=$$(find $(REPORTS) -mindepth 1 -maxdepth 1 -type d ! -name '.*' 2>/dev/null | wc -l); \
	printf 'Hapus %s folder laporan di %s/ beserta data pembanding evaluasi berikutnya? [y/N] ' "$$n" "$(REPORTS)"; \
	read -r answer || answer=; \
	case "$$answer" in \
	  [yY]|[yY][aA]|[yY][eE][sS]) rm -rf $(REPORTS)/*/ $(REPORTS)/.staging-* $(REPORTS)/.stamp-* $(REPORTS)/index.html; \
	    echo "Dihapus: $$n folder laporan."; ;; \
	  *) echo; echo "Dibatalkan; tidak ada laporan yang dihapus."; ;; \
	esac
