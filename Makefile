# Every target creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: app test lint bench mutation clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

app: $(STAMP)
	$(BIN)/streamlit run dashboard/app.py --server.port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n 2 --hypothesis-profile=$${HYPOTHESIS_PROFILE:-ci}

bench: $(STAMP)
	$(BIN)/python benchmarks/dashboard_rerun.py
	$(BIN)/python benchmarks/run.py

mutation: $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,mutation]"
	$(BIN)/mutmut run; $(BIN)/mutmut results

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
