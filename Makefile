# Two commands on a fresh machine: `make demo` and `make test`. Both set themselves up.
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PYTHON  ?= python3

.PHONY: demo test lint system-deps bench golden clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Debian packages the browser tests need (real Chromium, driven by Playwright).
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

demo: $(STAMP)
	$(BIN)/scomm run --out out/demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist loadgroup

# Regenerate the golden baselines (tests/golden/*.json); a commit that changes one says why.
golden: $(STAMP)
	$(BIN)/python tests/golden/golden_cases.py --write
	$(BIN)/python -m scomm.study.golden --write

bench: $(STAMP)
	$(BIN)/python benchmarks/run_benchmarks.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
