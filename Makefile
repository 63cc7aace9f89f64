# The whole routine: `make run` runs the service once on the embedded workbook,
# `make test` lints and runs every test. Both build .venv from the pinned requirements.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench serve emulator clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.run-installed $@

run: $(VENV)/.run-installed
	$(BIN)/python main.py run --once

test: $(VENV)/.dev-installed
	-@bash scripts/install-thai-font.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench

serve: $(VENV)/.run-installed
	$(BIN)/python main.py serve

emulator: $(VENV)/.run-installed
	$(BIN)/python -m automation.sheets_emulator --port 8765 --create-demo

clean:
	rm -rf $(VENV) output state .pytest_cache
