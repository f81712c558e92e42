# Every target creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
PORT ?= 8501
# mypy cannot follow the import name `alsodds` to the folders it maps (model/, dashboard/):
# a throw-away tree of links gives it that view, rebuilt on every run so new files count.
TYPECHECK := .typecheck/alsodds

.PHONY: app test lint search notebooks bench mutation clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

app: $(STAMP)
	$(BIN)/streamlit run dashboard/app.py --server.port $(PORT)

lint: $(STAMP)
	rm -rf .typecheck && mkdir -p $(TYPECHECK)
	ln -s $(CURDIR)/model/* $(TYPECHECK)/
	ln -s $(CURDIR)/dashboard $(TYPECHECK)/dashboard
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n 2 --hypothesis-profile=ci -m "not slow"

# Random property search with many examples (not part of CI): pin what it finds with @example.
# worksteal: a few tests run far longer than the rest; an idle worker takes queued ones.
search: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist worksteal tests/properties tests/model/test_signs_depends.py --hypothesis-profile=search -p no:cacheprovider

# JupyterLab (with jupytext, so notebooks/*.py open as notebooks and saving keeps the pair in step).
notebooks: $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,notebooks]"
	$(BIN)/jupyter lab notebooks/

# pyAgrum (the bench extra) is the third peer. Where it cannot install, the benchmark runs
# without it and says so; the next `make bench` tries again.
$(BENCH_STAMP): $(STAMP)
	-$(BIN)/pip install --quiet -e ".[dev,bench]" && touch $@

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/dashboard_rerun.py
	$(BIN)/python benchmarks/run.py

mutation: $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,mutation]"
	$(BIN)/mutmut run; $(BIN)/mutmut results

clean:
	rm -rf $(VENV) .typecheck .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
