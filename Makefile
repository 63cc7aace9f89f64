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

# The key goes to state/key.json and the spreadsheets to state/sheets-emulator.json, so the
# spreadsheet id stays the same across restarts (see the README's "Without a Google account").
emulator: $(VENV)/.run-installed
	$(BIN)/python main.py emulator --port 8765

clean:
	rm -rf $(VENV) output state .pytest_cache
